import { mapSchema, MapperKind } from '@graphql-tools/utils';
import { defaultFieldResolver, GraphQLError, GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import type { Context } from '../context';
import { Category } from '../entities/enums';
import { ErrorCode } from '../errors/errors';
import type { Target } from './decide';
import { categoryOf, isCategory } from './fields';

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

type Row = Record<string | symbol, unknown>;

/** The dossier a row belongs to and the facts its field decision needs. */
function locate(ctx: Context, typeName: string, fieldName: string, row: Row): { dossierId: string | null; target: Target } {
  switch (typeName) {
    case 'Dossier':
      return { dossierId: row.id as string, target: { typeName, fieldName } };
    case 'Person':
      return ctx.access.personTarget(row as never, typeName, fieldName);
    case 'Entry':
      return { dossierId: row.dossierId as string, target: { typeName, fieldName, hiddenFrom: row.hiddenFrom as string[] } };
    case 'WorkNote':
      return { dossierId: row.dossierId as string, target: { typeName, fieldName, authorId: row.authorId as string } };
    case 'RightsRequest':
      return { dossierId: row.dossierId as string, target: { typeName, fieldName, requesterIds: row.requesterPersonIds as string[] } };
    default:
      // Every other dossier-scoped row carries its dossier id; one without it is denied below.
      return { dossierId: typeof row.dossierId === 'string' ? row.dossierId : null, target: { typeName, fieldName } };
  }
}

function forbiddenField(path: string, category: string): GraphQLError {
  // One error object per field, built once: graphql-js copies it with the path of each use.
  return new GraphQLError(`Not allowed to see ${path}`, { extensions: { code: ErrorCode.FORBIDDEN, category } });
}

function guarded(typeName: string, fieldName: string, category: Category, resolve: GraphQLFieldResolver<Row, Context>): GraphQLFieldResolver<Row, Context> {
  const path = `${typeName}.${fieldName}`;
  const denied = forbiddenField(path, category);
  return (row, args, ctx, info) => {
    const { dossierId, target } = locate(ctx, typeName, fieldName, row);
    // No dossier context: nothing admitted this row, so nothing of it is shown (fail closed).
    if (dossierId === null) throw denied;
    const outcome = ctx.access.readField(dossierId, category, path, target);
    if (outcome === 'GRANTED') return resolve(row, args, ctx, info);
    if (outcome === 'PSEUDONYMISED') return ctx.access.pseudonym(dossierId, row.id as string);
    throw denied;
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

