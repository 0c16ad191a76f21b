import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed documents for the GraphQL operations the tests send:
// `npm run codegen` after changing schema.graphql or an operation in test/.
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['test/**/*.ts', '!test/gql/**'],
  ignoreNoDocuments: true,
  // Only `graphql(…)` calls are documents: suites also send GraphQL built at
  // run time through helpers of their own (e.g. a `gql(…)` in the fuzz suite).
  pluckConfig: { globalGqlIdentifierName: 'graphql' },
  generates: {
    'test/gql/': {
      preset: 'client',
      config: {
        importExtension: '.js',
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string' },
      },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
