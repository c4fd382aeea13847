import { composeServices } from '@apollo/composition';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { loadTypeDefs } from '../src/graphql/schema';
import { SET_THUMBNAIL, startTestServer, uploadImage, type TestServer } from './helpers/server';
import { makeImage } from './helpers/images';

/** A minimal products subgraph, as a supergraph would have beside this one. */
const productsTypeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Product @key(fields: "id") { id: ID! name: String! }
  type Query { products: [Product!]! }
`);
const PRODUCTS = [
  { id: 'fed-1', name: 'Kettle' },
  { id: 'fed-2', name: 'Teapot' },
];

describe('supergraph fit', () => {
  it('composes with a products subgraph without errors', () => {
    const result = composeServices([
      { name: 'products', typeDefs: productsTypeDefs, url: 'http://products.invalid/graphql' },
      { name: 'media', typeDefs: loadTypeDefs(), url: 'http://media.invalid/graphql' },
    ]);
    expect(result.errors).toBeUndefined();
    expect(result.supergraphSdl).toContain('thumbnail: ProductImage @join__field(graph: MEDIA)');
  });

  describe('behind @apollo/gateway', () => {
    let media: TestServer;
    let products: ApolloServer;
    let gateway: ApolloServer;
    let gatewayUrl: string;

    beforeAll(async () => {
      media = await startTestServer();
      products = new ApolloServer({
        schema: buildSubgraphSchema({
          typeDefs: productsTypeDefs,
          resolvers: {
            Query: { products: () => PRODUCTS },
            Product: { __resolveReference: (ref: { id: string }) => PRODUCTS.find((p) => p.id === ref.id) },
          },
        }),
      });
      const productsUrl = (await startStandaloneServer(products, { listen: { port: 0, host: '127.0.0.1' } })).url;
      const { supergraphSdl, errors } = composeServices([
        { name: 'products', typeDefs: productsTypeDefs, url: productsUrl },
        { name: 'media', typeDefs: loadTypeDefs(), url: `${media.url}/graphql` },
      ]);
      expect(errors).toBeUndefined();
      gateway = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: supergraphSdl! }) });
      gatewayUrl = (await startStandaloneServer(gateway, { listen: { port: 0, host: '127.0.0.1' } })).url;
    });

    afterAll(async () => {
      await gateway.stop();
      await products.stop();
      await media.stop();
    });

    it('answers a query that crosses both subgraphs', async () => {
      const imageId = await uploadImage(media, 'fed-1', await makeImage(40, 40));
      await media.gql(SET_THUMBNAIL, { imageId });
      const res = await fetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ products { name images { url } thumbnail { url } } }' }),
      });
      const body = (await res.json()) as any;
      expect(body.errors).toBeUndefined();
      const [kettle, teapot] = body.data.products;
      expect(kettle.name).toBe('Kettle');
      expect(kettle.images).toHaveLength(1);
      expect(kettle.thumbnail.url).toBe(kettle.images[0].url);
      expect((await fetch(kettle.thumbnail.url)).status).toBe(200);
      expect(teapot).toEqual({ name: 'Teapot', images: [], thumbnail: null });
    });
  });
});
