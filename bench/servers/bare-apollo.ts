// Scenario 1's baseline: a bare Apollo subgraph (startStandaloneServer, Apollo's
// default plugins) over the same schema, answering from memory with naive resolvers.
// BENCH_CACHE_CONTROL=off removes the default cache-control plugin, to price it.
import { readFileSync } from 'node:fs';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { ImageRecord, StoredVariant } from '../../src/domain/model';
import { loadTypeDefs } from '../../src/graphql/schema';
import type { Catalog } from '../lib/catalog';
import { serveControl } from '../lib/control';
import { absolute, MemoryCatalog, originalUrl } from '../lib/naive-resolvers';

async function main() {
  const memory = new MemoryCatalog(JSON.parse(readFileSync(process.env.BENCH_CATALOG!, 'utf8')) as Catalog);
  const resolvers = {
    Product: {
      __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
      images: ({ id }: { id: string }) => memory.images(id),
      thumbnail: ({ id }: { id: string }) => memory.thumbnail(id),
      files: ({ id }: { id: string }) => memory.files(id),
    },
    ProductImage: { url: (image: ImageRecord) => originalUrl(image) },
    ImageVariant: { url: (variant: StoredVariant) => absolute(variant.location) },
  };
  const plugins: ApolloServerPlugin[] =
    process.env.BENCH_CACHE_CONTROL === 'off' ? [ApolloServerPluginCacheControlDisabled()] : [];
  const server = new ApolloServer({
    schema: buildSubgraphSchema([{ typeDefs: loadTypeDefs(), resolvers: resolvers as GraphQLResolverMap<unknown> }]),
    plugins,
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  serveControl(url.replace(/\/$/, ''));
}

void main();
