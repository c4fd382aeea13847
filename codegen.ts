import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Resolver types generated from `schema/`, mapped to the internal models the
 * resolvers return; and the typed documents of the example frontend client
 * and the media console (graphql-codegen's client preset), checked in CI with
 * the rest.
 */
const config: CodegenConfig = {
  schema: 'schema/*.graphql',
  generates: {
    'src/graphql/generated/resolvers-types.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        federation: true,
        useIndexSignature: true,
        useTypeImports: true,
        enumsAsTypes: true,
        contextType: '../context#GraphQLContext',
        mappers: {
          Product: '../../domain/model#ProductRef',
          ProductImage: '../../domain/model#ImageRecord',
          ProductFile: '../../domain/model#FileRecord',
          ImageVariant: '../../domain/model#StoredVariant',
          UploadTarget: '../../domain/model#UploadTarget as UploadTargetModel',
          MediaUserError: '../../domain/errors#MediaError',
        },
        scalars: {
          DateTime: 'string',
          Upload: "Promise<import('../../media/media-service').IncomingUpload>",
        },
      },
    },
    'examples/frontend-client/src/gql/': {
      preset: 'client',
      // The media console (examples/media-console) uses the same generated client.
      documents: [
        'examples/frontend-client/src/**/*.ts',
        '!examples/frontend-client/src/gql/**',
        'examples/media-console/src/**/*.ts',
      ],
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', Upload: 'File' },
      },
    },
  },
};

export default config;
