import 'reflect-metadata';
import { mapSchema, MapperKind, printSchemaWithDirectives } from '@graphql-tools/utils';
import {
  DirectiveLocation, GraphQLDirective, GraphQLEnumType, GraphQLNonNull, GraphQLSchema, Kind, lexicographicSortSchema,
} from 'graphql';
import { validateOrReject, ValidationError, ValidatorOptions } from 'class-validator';
import { ArgumentValidationError, buildSchemaSync } from 'type-graphql';
import { categoryOf, isCategory } from '../permissions/fields';
import { guardFields } from '../permissions/field-guard';
import { applyOperationRules } from '../permissions/rules';
import { RESOLVERS } from '../resolvers';

function categoryDirective(categoryEnum: GraphQLEnumType): GraphQLDirective {
  return new GraphQLDirective({
    name: 'category',
    description: 'The data category of a sensitive field. Generated from the policy source (src/permissions/fields.ts).',
    locations: [DirectiveLocation.FIELD_DEFINITION],
    args: { name: { type: new GraphQLNonNull(categoryEnum) } },
  });
}

/**
 * Annotates every sensitive field with `@category(name: …)` from the policy source, so that
 * `schema.graphql` shows each field's category without declaring it a second time.
 */
function withCategoryDirectives(schema: GraphQLSchema): GraphQLSchema {
  // The Category enum type-graphql registered (for myAccess) is the one the directive uses.
  const categoryEnum = schema.getType('Category') as GraphQLEnumType;
  const withDirective = new GraphQLSchema({ ...schema.toConfig(), directives: [...schema.getDirectives(), categoryDirective(categoryEnum)] });
  return mapSchema(withDirective, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      const category = categoryOf(typeName, fieldName);
      if (!isCategory(category)) return field;
      return {
        ...field,
        astNode: {
          kind: Kind.FIELD_DEFINITION,
          name: { kind: Kind.NAME, value: fieldName },
          type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'String' } },
          ...field.astNode,
          directives: [
            {
              kind: Kind.DIRECTIVE,
              name: { kind: Kind.NAME, value: 'category' },
              arguments: [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'name' }, value: { kind: Kind.ENUM, value: category } }],
            },
          ],
        },
      };
    },
  });
}

// skipMissingProperties off: an explicit null is validated, so a NOT NULL column never sees one.
const VALIDATION: ValidatorOptions = { forbidUnknownValues: false, skipMissingProperties: false };
const isObject = (v: unknown): v is object => v !== null && typeof v === 'object';

/**
 * class-validator on every argument object (inputs, page arguments); a failure is type-graphql's
 * ArgumentValidationError, which the error formatter turns into BAD_USER_INPUT naming the field.
 * What type-graphql does with its `validate` settings, except that it looked class-validator up
 * with a `require` on every call: on each nested list's page arguments, 50 times for a caseload
 * page with its families (≈ 3.5 kB of garbage and a module-path resolution each).
 */
async function validateArguments(value: unknown): Promise<void> {
  if (!isObject(value)) return;
  try {
    if (Array.isArray(value)) await Promise.all(value.filter(isObject).map((v) => validateOrReject(v, VALIDATION)));
    else await validateOrReject(value, VALIDATION);
  } catch (err) {
    throw new ArgumentValidationError(err as ValidationError[]);
  }
}

/**
 * The schema as declared: type-graphql classes plus the policy's category annotations, with no
 * authorisation. Only the benchmark harness executes it bare; the server always uses
 * `buildKluisSchema`.
 */
export function buildDeclaredSchema(): GraphQLSchema {
  const schema = buildSchemaSync({
    resolvers: RESOLVERS as unknown as [Function, ...Function[]],
    validateFn: validateArguments,
  });
  return withCategoryDirectives(schema);
}

/** The executable schema: every operation behind its shield rule, every field behind the field guard. */
export function buildKluisSchema(): GraphQLSchema {
  return applyOperationRules(guardFields(buildDeclaredSchema()));
}

/** The schema as committed in `schema.graphql` (sorted, so that the file diffs cleanly). */
export function printKluisSchema(schema: GraphQLSchema = buildDeclaredSchema()): string {
  return `${printSchemaWithDirectives(lexicographicSortSchema(schema))}\n`;
}
