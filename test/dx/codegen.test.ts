import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildSchema, DefinitionNode, DocumentNode, FragmentDefinitionNode, GraphQLSchema, Kind, OperationDefinitionNode, parse, validate, visit } from 'graphql';

const ROOT = path.resolve(__dirname, '../..');
const EXAMPLES = path.join(ROOT, 'examples');

/** Every `examples/*.graphql` file, parsed. */
function exampleFiles(): { file: string; document: DocumentNode }[] {
  return readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((file) => ({ file, document: parse(readFileSync(path.join(EXAMPLES, file), 'utf8')) }));
}

/** The fragment names a definition spreads, directly. */
function spreads(node: DefinitionNode): string[] {
  const names: string[] = [];
  visit(node, { FragmentSpread: (s) => void names.push(s.name.value) });
  return names;
}

/**
 * One operation with the fragments it uses (transitively): the document a client sends. Fragments
 * live in other files than the operations that spread them, so each operation is validated as sent.
 */
function asSent(operation: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>): DocumentNode {
  const needed = new Map<string, FragmentDefinitionNode>();
  const queue = spreads(operation);
  while (queue.length) {
    const name = queue.pop()!;
    const fragment = fragments.get(name);
    // An unknown fragment is left for `validate` to report (KnownFragmentNamesRule).
    if (!fragment || needed.has(name)) continue;
    needed.set(name, fragment);
    queue.push(...spreads(fragment));
  }
  return { kind: Kind.DOCUMENT, definitions: [operation, ...needed.values()] };
}

describe('example operations for frontend teams (examples/, npm run codegen)', () => {
  let schema: GraphQLSchema;
  beforeAll(() => {
    schema = buildSchema(readFileSync(path.join(ROOT, 'schema.graphql'), 'utf8'));
  });

  const definitions = () => exampleFiles().flatMap(({ file, document }) => document.definitions.map((definition) => ({ file, definition })));
  const operations = () => definitions().filter((d): d is { file: string; definition: OperationDefinitionNode } => d.definition.kind === Kind.OPERATION_DEFINITION);
  const fragments = () => new Map(definitions().flatMap(({ definition }) => (definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [])));

  it('should have an example for every screen the frontend teams build', () => {
    const names = operations().map((o) => o.definition.name?.value);
    expect(names).toEqual(expect.arrayContaining([
      'Caseload', 'DossierPage', 'AddEntry', 'MyDossiers', 'ParentPortal', 'YouthView', 'MunicipalityDossiers', 'VerwijsindexSignals',
      'AuditorDossiers', 'CreateAuditorGrant',
    ]));
    // Names are what the access log and the generated types are keyed on: unique, never anonymous.
    expect(names.every((n) => !!n)).toBe(true);
    expect(new Set(names).size).toBe(names.length);
    const fragmentNames = definitions().filter((d) => d.definition.kind === Kind.FRAGMENT_DEFINITION).map((d) => (d.definition as FragmentDefinitionNode).name.value);
    expect(new Set(fragmentNames).size).toBe(fragmentNames.length);
  });

  it('should validate every example operation, as a client sends it, against the committed schema.graphql', () => {
    const all = fragments();
    const problems = operations().flatMap(({ file, definition }) =>
      validate(schema, asSent(definition, all)).map((e) => `${file} ${definition.name?.value}: ${e.message}`));
    expect(problems).toEqual([]);
  });

  it('should use every fragment it defines', () => {
    const used = new Set(operations().flatMap(({ definition }) => [...asSent(definition, fragments()).definitions.slice(1)].map((f) => (f as FragmentDefinitionNode).name.value)));
    expect([...fragments().keys()].filter((name) => !used.has(name))).toEqual([]);
  });

  it('should fail validation for an operation the schema does not have (the check can fail)', () => {
    const broken = parse('query Broken($id: ID!) { dossier(id: $id) { id subject { socialSecurityNumber } } }');
    expect(validate(schema, broken).map((e) => e.message)).toEqual([expect.stringContaining('socialSecurityNumber')]);
  });

  // @graphql-codegen/cli loads yargs, which is ESM-only: jest's CommonJS runtime cannot require it,
  // node ≥ 20.19 can. So the check runs the CLI itself, in dry-run mode (`--check`: exit 1 and
  // the list of stale files when generating would change anything), as CI would (~2 s).
  it('should have committed examples/generated/ exactly as `npm run codegen` generates it', async () => {
    const cli = path.join(ROOT, 'node_modules/.bin/graphql-codegen');
    const run = await promisify(execFile)(cli, ['--config', 'codegen.ts', '--check', '--silent'], { cwd: ROOT, timeout: 60_000 })
      .then(() => ({ code: 0, output: '' }))
      .catch((e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` }));
    // Stale: run `npm run codegen` (and commit examples/generated/) after changing an example or the schema.
    expect(run).toEqual({ code: 0, output: '' });
    // Only what codegen produces lies in examples/generated/.
    expect(readdirSync(path.join(EXAMPLES, 'generated')).sort()).toEqual(['gql.ts', 'graphql.ts', 'index.ts']);
  });
});
