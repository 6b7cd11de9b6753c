import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DirectiveDefinitionNode, GraphQLField, GraphQLInterfaceType, GraphQLObjectType, GraphQLSchema, isInterfaceType, isIntrospectionType, isNonNullType,
  isObjectType, Kind, ObjectTypeDefinitionNode, parse, print,
} from 'graphql';
import { FIELD_CATEGORIES, FieldClass, isCategory, isConnectionType } from '../../src/permissions/fields';
import { MUTATIONS, QUERIES } from '../../src/permissions/operations';
import { buildDeclaredSchema, buildKluisSchema } from '../../src/schema/build-schema';

/**
 * Lint of the schema against the policy source (SPEC §3, §12): every field has a decision, every
 * sensitive field is nullable (a denied field is `null` plus an error), every operation has a
 * rule, and the committed `schema.graphql` shows exactly the categories of the policy.
 */

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

/** Object (and interface) types whose fields need a decision: not root, introspection or connection plumbing. */
function dataTypes(schema: GraphQLSchema): (GraphQLObjectType | GraphQLInterfaceType)[] {
  return Object.values(schema.getTypeMap()).filter(
    (t): t is GraphQLObjectType | GraphQLInterfaceType =>
      (isObjectType(t) || isInterfaceType(t)) && !ROOT_TYPES.has(t.name) && !isIntrospectionType(t) && !isConnectionType(t.name),
  );
}

function fieldsOf(schema: GraphQLSchema): { typeName: string; fieldName: string; field: GraphQLField<unknown, unknown> }[] {
  return dataTypes(schema).flatMap((type) => Object.values(type.getFields()).map((field) => ({ typeName: type.name, fieldName: field.name, field })));
}

const decision = (typeName: string, fieldName: string): FieldClass | undefined => FIELD_CATEGORIES[typeName]?.[fieldName];

describe.each([
  ['the executable schema (buildKluisSchema)', buildKluisSchema],
  ['the declared schema (buildDeclaredSchema)', buildDeclaredSchema],
])('%s', (_name, build: () => GraphQLSchema) => {
  const schema = build();
  const fields = fieldsOf(schema);

  it('should have object types to check (the lint is not vacuous)', () => {
    expect(fields.length).toBeGreaterThan(50);
    expect(fields.map((f) => `${f.typeName}.${f.fieldName}`)).toEqual(expect.arrayContaining(['Person.bsn', 'Dossier.entries', 'WorkNote.text']));
  });

  it('should have an entry in FIELD_CATEGORIES for every field of every object type (else the field guard denies it)', () => {
    const missing = fields.filter((f) => decision(f.typeName, f.fieldName) === undefined).map((f) => `${f.typeName}.${f.fieldName}`);
    expect(missing).toEqual([]);
  });

  it('should declare every field whose decision is a category nullable (a denied field is null plus an error, §12)', () => {
    const nonNull = fields.filter((f) => isCategory(decision(f.typeName, f.fieldName)) && isNonNullType(f.field.type)).map((f) => `${f.typeName}.${f.fieldName}: ${String(f.field.type)}`);
    expect(nonNull).toEqual([]);
  });

  it('should have an entry in QUERIES for every Query field and in MUTATIONS for every Mutation field', () => {
    const queries = Object.keys(schema.getQueryType()?.getFields() ?? {});
    const mutations = Object.keys(schema.getMutationType()?.getFields() ?? {});
    expect(queries.length).toBeGreaterThan(0);
    expect(mutations.length).toBeGreaterThan(0);
    expect(queries.filter((q) => !(q in QUERIES))).toEqual([]);
    expect(mutations.filter((m) => !(m in MUTATIONS))).toEqual([]);
  });
});

describe('the policy tables', () => {
  const schema = buildDeclaredSchema();

  it('should not list a field in FIELD_CATEGORIES that the schema does not have (a stale entry hides a rename)', () => {
    const stale: string[] = [];
    for (const [typeName, byField] of Object.entries(FIELD_CATEGORIES)) {
      const type = schema.getType(typeName);
      if (!type || !(isObjectType(type) || isInterfaceType(type))) {
        stale.push(typeName);
        continue;
      }
      for (const fieldName of Object.keys(byField)) if (!type.getFields()[fieldName]) stale.push(`${typeName}.${fieldName}`);
    }
    expect(stale).toEqual([]);
  });

  it('should not list an operation in QUERIES or MUTATIONS that the schema does not have', () => {
    const queries = schema.getQueryType()!.getFields();
    const mutations = schema.getMutationType()!.getFields();
    expect(Object.keys(QUERIES).filter((q) => !queries[q])).toEqual([]);
    expect(Object.keys(MUTATIONS).filter((m) => !mutations[m])).toEqual([]);
  });

  it('should keep the same object types and fields in the executable schema as declared (the guard drops nothing)', () => {
    const names = (s: GraphQLSchema) => fieldsOf(s).map((f) => `${f.typeName}.${f.fieldName}`).sort();
    expect(names(buildKluisSchema())).toEqual(names(schema));
  });
});

describe('schema.graphql', () => {
  const sdl = parse(readFileSync(path.resolve(__dirname, '../../schema.graphql'), 'utf8'));
  const objectTypes = sdl.definitions.filter(
    (d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION,
  ) as ObjectTypeDefinitionNode[];

  /** `Type.field` → the category its @category directive names (or null without one), as committed. */
  const shown = new Map<string, string | null>();
  for (const type of objectTypes) {
    for (const field of type.fields ?? []) {
      const directives = (field.directives ?? []).filter((d) => d.name.value === 'category');
      const arg = directives[0]?.arguments?.find((a) => a.name.value === 'name')?.value;
      shown.set(`${type.name.value}.${field.name.value}`, directives.length > 1 ? 'DUPLICATE' : arg?.kind === Kind.ENUM ? arg.value : null);
    }
  }

  it('should contain the object types of the code (parsed from the committed file)', () => {
    expect(shown.size).toBeGreaterThan(50);
    expect(shown.get('Person.bsn')).toBe('IDENTIFIERS');
  });

  it('should show @category(name: X) on exactly the fields whose decision is category X', () => {
    const wrong: string[] = [];
    for (const [key, category] of shown) {
      const [typeName, fieldName] = key.split('.');
      const d = ROOT_TYPES.has(typeName) ? undefined : decision(typeName, fieldName);
      const expected = isCategory(d) ? d : null;
      if (category !== expected) wrong.push(`${key}: shows ${category ?? 'no category'}, policy says ${expected ?? d ?? 'no decision'}`);
    }
    expect(wrong).toEqual([]);
  });

  it('should show every categorised field of FIELD_CATEGORIES (none missing from the file)', () => {
    const missing: string[] = [];
    for (const [typeName, byField] of Object.entries(FIELD_CATEGORIES)) {
      for (const [fieldName, d] of Object.entries(byField)) if (isCategory(d) && shown.get(`${typeName}.${fieldName}`) !== d) missing.push(`${typeName}.${fieldName}`);
    }
    expect(missing).toEqual([]);
  });

  it('should define the @category directive with the Category enum', () => {
    const directive = sdl.definitions.find((d): d is DirectiveDefinitionNode => d.kind === Kind.DIRECTIVE_DEFINITION && d.name.value === 'category');
    expect(directive && print(directive)).toMatch(/^directive @category\(name: Category!\) on FIELD_DEFINITION$/m);
  });
});
