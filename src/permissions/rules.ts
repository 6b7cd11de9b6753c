import { GraphQLError } from 'graphql';
import { and, deny, IRules, rule, shield } from 'graphql-shield';
import { applyMiddleware, middleware } from 'graphql-middleware';
import type { GraphQLSchema } from 'graphql';
import type { Context } from '../context';
import { Category, StaffRole } from '../entities/enums';
import { forbidden, notFound, unauthenticated } from '../errors/errors';
import { isUuid } from '../util/ids';
import { inputWrites, MUTATIONS, MutationRule, QUERIES, QueryRule } from './operations';

/** Reads a dotted argument path (`input.dossierId`). */
function argAt(args: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), args);
}

/**
 * graphql-shield turns an error *thrown* in a rule into a plain "no" (FORBIDDEN). A rule that
 * knows better — NOT_FOUND for a dossier without a relationship — returns its error instead.
 */
function returningErrors(check: (args: Record<string, unknown>, ctx: Context) => Promise<true | Error>) {
  return async (_p: unknown, args: Record<string, unknown>, ctx: Context): Promise<true | Error> => {
    try {
      return await check(args, ctx);
    } catch (err) {
      return err instanceof Error ? err : forbidden();
    }
  };
}

/** The viewer has a valid token. Depends on the context only, so it is cached per request. */
export const isAuthenticated = rule('isAuthenticated', { cache: 'contextual' })((_p, _a, ctx: Context) =>
  ctx.viewer.kind !== 'anonymous' ? true : unauthenticated('Authentication required'),
);

const roleRules = new Map<string, ReturnType<ReturnType<typeof rule>>>();

/** The viewer is staff in one of these roles. Depends on the context only. One rule per role set (shield wants unique names). */
export function hasStaffRole(roles: readonly StaffRole[]) {
  const name = `hasStaffRole:${[...roles].sort().join(',')}`;
  let r = roleRules.get(name);
  if (!r) {
    r = rule(name, { cache: 'contextual' })((_p, _a, ctx: Context) =>
      ctx.viewer.kind === 'staff' && roles.includes(ctx.viewer.role) ? true : forbidden(`Only ${roles.join(', ')} may do this`),
    );
    roleRules.set(name, r);
  }
  return r;
}

/**
 * The W cells of §4 for one mutation: find the dossier it changes, then require a relationship
 * whose W cell covers every category written — including every input field given. Depends on
 * the arguments, so it is never cached (a `strict` cache would ignore the field name, §14).
 */
export function canWrite(name: string, spec: Extract<MutationRule, { dossier: unknown }>) {
  return rule(`canWrite:${name}`, { cache: 'no_cache' })(returningErrors(async (args: Record<string, unknown>, ctx: Context) => {
    let dossierId = argAt(args, spec.dossier.arg);
    if ('rowOf' in spec.dossier) {
      const rowId = dossierId;
      const rows: { dossier_id: string }[] = isUuid(rowId) && ctx.viewer.kind !== 'anonymous'
        ? await ctx.ds.query(`SELECT dossier_id FROM ${spec.dossier.rowOf} WHERE id = $1 AND organisation_id = $2`, [rowId, ctx.viewer.organisationId])
        : [];
      if (!rows.length) return notFound('Not found');
      dossierId = rows[0].dossier_id;
    }
    if (typeof dossierId !== 'string') return notFound();
    const categories = new Set<Category>(spec.writes);
    const paths: string[] = [];
    for (const [argPath, typeName] of Object.entries({ input: spec.target, ...spec.nested })) {
      const writes = inputWrites(argAt(args, argPath) as Record<string, unknown> | undefined, typeName);
      if (!writes) return forbidden(`${argPath} holds a field that cannot be written`);
      writes.categories.forEach((c) => categories.add(c));
      paths.push(...writes.paths);
    }
    // A write without field values (a removal) is logged as a change of the row itself.
    if (!paths.length) paths.push(`${spec.target}.id`);
    await ctx.access.requireWrite(dossierId, spec.action, [...categories], paths, spec.reaches);
    return true;
  }));
}

function queryRule(spec: QueryRule) {
  return spec.who === 'authenticated' ? isAuthenticated : and(isAuthenticated, hasStaffRole(spec.roles));
}

function mutationRule(name: string, spec: MutationRule) {
  return 'roles' in spec ? and(isAuthenticated, hasStaffRole(spec.roles)) : and(isAuthenticated, canWrite(name, spec));
}

/** The shield rule tree, generated from the operation tables of the policy. */
export function ruleTree(): IRules {
  return {
    Query: Object.fromEntries(Object.entries(QUERIES).map(([name, spec]) => [name, queryRule(spec)])),
    Mutation: Object.fromEntries(Object.entries(MUTATIONS).map(([name, spec]) => [name, mutationRule(name, spec)])),
  };
}

/**
 * graphql-shield at the operation boundary: every Query and Mutation field passes its rule
 * first; a field without one is denied (`fallbackRule: deny`). Errors the rules or resolvers
 * raise for the client (NOT_FOUND, BAD_USER_INPUT, …) pass through; a plain "no" becomes
 * FORBIDDEN instead of shield's default INTERNAL_SERVER_ERROR (§14).
 *
 * Only the root types get shield's (Promise-based) middleware. Fields inside a dossier are
 * decided by the synchronous field guard (field-guard.ts) from the same policy: shield on
 * every field costs 4.7× at 200 rows (§14); the guard costs a few percent.
 */
export function applyOperationRules(schema: GraphQLSchema): GraphQLSchema {
  const generator = shield(ruleTree(), {
    fallbackRule: deny,
    allowExternalErrors: false,
    debug: false,
    fallbackError: (thrown) => (thrown instanceof GraphQLError || thrown instanceof Error ? thrown : forbidden()),
  });
  const rootOnly = middleware((s: GraphQLSchema) => {
    const all = generator.generate(s) as Record<string, unknown>;
    return { Query: all.Query, Mutation: all.Mutation } as never;
  });
  return applyMiddleware(schema, rootOnly);
}
