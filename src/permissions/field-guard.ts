import { mapSchema, MapperKind } from '@graphql-tools/utils';
import { defaultFieldResolver, GraphQLError, GraphQLFieldResolver, GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import type { Context } from '../context';
import { Category } from '../entities/enums';
import { ErrorCode } from '../errors/errors';
import type { Target } from './decide';
import { categoryOf, isCategory } from './fields';

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

type Row = Record<string | symbol, unknown>;

/**
 * Where a row's field decision takes its dossier (null: none, so denied) and the facts it needs.
 * Chosen once per schema field, not per row: the guard runs for every field of every row of a
 * list (550 times for a caseload page), so the common case builds no object per call.
 */
type Locate = (ctx: Context, row: Row) => { dossierId: string | null; target: Target };

const dossierIdOf = (row: Row) => (typeof row.dossierId === 'string' ? row.dossierId : null);

function locator(typeName: string, fieldName: string): Locate | { byId: boolean; target: Target } {
  switch (typeName) {
    case 'Dossier':
      return { byId: true, target: { typeName, fieldName } };
    case 'Person':
      return (ctx, row) => ctx.access.personTarget(row as never, typeName, fieldName);
    case 'Entry':
      return (_ctx, row) => ({ dossierId: dossierIdOf(row), target: { typeName, fieldName, hiddenFrom: row.hiddenFrom as string[] } });
    case 'WorkNote':
      return (_ctx, row) => ({ dossierId: dossierIdOf(row), target: { typeName, fieldName, authorId: row.authorId as string } });
    case 'RightsRequest':
      return (_ctx, row) => ({ dossierId: dossierIdOf(row), target: { typeName, fieldName, requesterIds: row.requesterPersonIds as string[] } });
    default:
      // Every other dossier-scoped row carries its dossier id; one without it is denied.
      return { byId: false, target: { typeName, fieldName } };
  }
}

function forbiddenField(path: string, category: string): GraphQLError {
  // One error object per field, built once: graphql-js copies it with the path of each use.
  return new GraphQLError(`Not allowed to see ${path}`, { extensions: { code: ErrorCode.FORBIDDEN, category } });
}

function guarded(typeName: string, fieldName: string, category: Category, resolve: GraphQLFieldResolver<Row, Context>): GraphQLFieldResolver<Row, Context> {
  const path = `${typeName}.${fieldName}`;
  const denied = forbiddenField(path, category);
  const locate = locator(typeName, fieldName);
  const decide = (dossierId: string | null, target: Target, row: Row, args: unknown, ctx: Context, info: GraphQLResolveInfo) => {
    // No dossier context: nothing admitted this row, so nothing of it is shown (fail closed).
    if (dossierId === null) throw denied;
    const outcome = ctx.access.readField(dossierId, category, path, target);
    if (outcome === 'GRANTED') return resolve(row, args as never, ctx, info);
    if (outcome === 'PSEUDONYMISED') return ctx.access.pseudonym(dossierId, row.id as string);
    throw denied;
  };
  if (typeof locate !== 'function') {
    const { byId, target } = locate;
    return (row, args, ctx, info) => decide(byId ? (typeof row.id === 'string' ? row.id : null) : dossierIdOf(row), target, row, args, ctx, info);
  }
  return (row, args, ctx, info) => {
    const { dossierId, target } = locate(ctx, row);
    return decide(dossierId, target, row, args, ctx, info);
  };
}

function undecided(typeName: string, fieldName: string): GraphQLFieldResolver<Row, Context> {
  const error = new GraphQLError(`No access decision for ${typeName}.${fieldName}`, { extensions: { code: ErrorCode.FORBIDDEN } });
  return () => {
    throw error;
  };
}

/**
 * Wraps every field of every object type in a synchronous decision generated from the policy
 * source. PUBLIC fields (ids, connection plumbing) and OPERATION fields (decided by their
 * operation's shield rule) are left unwrapped; a field the policy does not know is always
 * denied — deny by default, including default resolvers (graphql-shield's
 * `applyMiddlewareToDeclaredResolvers` pitfall, §14).
 */
export function guardFields(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      if (ROOT_TYPES.has(typeName) || typeName.startsWith('__')) return field;
      const decision = categoryOf(typeName, fieldName);
      if (decision === undefined) return { ...field, resolve: undecided(typeName, fieldName) };
      if (!isCategory(decision)) return field;
      return { ...field, resolve: guarded(typeName, fieldName, decision, (field.resolve ?? defaultFieldResolver) as GraphQLFieldResolver<Row, Context>) };
    },
  });
}

