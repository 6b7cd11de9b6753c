import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * GraphQL Code Generator (`npm run codegen`): TypeScript types and typed document nodes for the
 * example operations in `examples/*.graphql`, from the committed `schema.graphql` (no running
 * server needed). `test/dx/codegen.test.ts` fails when an example no longer validates against
 * the schema or when `examples/generated/` is stale.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['examples/**/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'examples/generated/': {
      preset: 'client',
      presetConfig: {
        // Apollo Client 4 masks fragments itself when asked to (`dataMasking: true`); the
        // generated types then show every field a query selects, fragments included.
        fragmentMasking: false,
      },
      config: {
        // Both scalars travel as ISO 8601 strings (graphql-scalars' LocalDate and DateTimeISO).
        scalars: { LocalDate: 'string', DateTimeISO: 'string' },
        // A scalar not mapped above is `unknown` (not `any`): a client must check it before use.
        defaultScalarType: 'unknown',
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;
