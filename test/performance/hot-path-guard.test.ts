import { moved, scrape } from '../helpers/prometheus';
import { makeImage } from '../helpers/images';
import { SET_THUMBNAIL, startTestServer, uploadImage, type TestServer } from '../helpers/server';

/**
 * What the router's `_entities` fetch, the hottest path, must not do more of
 * once warm: counted, never timed (bench/ measures the time). A change that
 * adds a store statement per entity, parses documents again, or calls
 * storage while answering shows here.
 */
describe('the _entities hot path, once warm', () => {
  const ENTITIES = `query($representations: [_Any!]!) { _entities(representations: $representations) {
    ... on Product { id images { id url width height variants { kind url } } thumbnail { id url } files { id } } } }`;
  const ROUNDS = 10;
  const PRODUCTS = 50;
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    for (const product of ['hot-0', 'hot-7', 'hot-49']) {
      const id = await uploadImage(t, product, await makeImage(12, 12));
      await t.gql(SET_THUMBNAIL, { imageId: id });
    }
  });
  afterAll(() => t.stop());

  /** One router-like request: the same document every time, a different set of products each round. */
  const fetchEntities = async (round: number) => {
    const representations = Array.from({ length: PRODUCTS }, (_, i) => ({
      __typename: 'Product',
      id: `hot-${(i + round) % PRODUCTS}`,
    }));
    const res = await t.gql(ENTITIES, { representations });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data._entities).toHaveLength(PRODUCTS);
    return res.body.data._entities as { images: unknown[] }[];
  };

  it('reads the store once per kind per request, parses and compiles no document again and calls no storage', async () => {
    await fetchEntities(0);
    const before = { reads: { ...t.server.index.reads }, metrics: await scrape(t) };
    for (let round = 1; round <= ROUNDS; round++) {
      const entities = await fetchEntities(round);
      expect(entities.filter((e) => e.images.length > 0)).toHaveLength(3);
    }
    const after = { reads: t.server.index.reads, metrics: await scrape(t) };
    const reads = Object.fromEntries(
      Object.entries(after.reads)
        .map(([kind, count]) => [kind, count - before.reads[kind as keyof typeof before.reads]])
        .filter(([, delta]) => delta !== 0),
    );
    // Images and files of every product in the request: one statement each, whatever the number of products.
    expect(reads).toEqual({ imagesByProduct: ROUNDS, filesByProduct: ROUNDS });
    // Apollo's document cache answers every repeat: nothing parsed or validated after the first request.
    expect(moved(before.metrics, after.metrics, 'media_graphql_documents_parsed_total')).toBe(0);
    // The document was compiled once (graphql-jit): every repeat runs the compiled query from its cache.
    expect(moved(before.metrics, after.metrics, 'media_graphql_executions_total', { path: 'compiled-cache-hit' })).toBe(
      ROUNDS,
    );
    expect(moved(before.metrics, after.metrics, 'media_graphql_executions_total', { path: 'compiled' })).toBe(0);
    expect(moved(before.metrics, after.metrics, 'media_graphql_executions_total', { path: 'graphql-js' })).toBe(0);
    // URLs are computed, never looked up: no storage call while answering.
    expect(moved(before.metrics, after.metrics, 'media_provider_calls_total', { provider: 'LOCAL' })).toBe(0);
    expect(
      moved(before.metrics, after.metrics, 'media_graphql_operations_total', {
        operation_type: 'query',
        outcome: 'success',
      }),
    ).toBe(ROUNDS);
  });

  it('parses and compiles a document the caches have not seen, once', async () => {
    const before = await scrape(t);
    const other = `query Other($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id } } }`;
    for (let i = 0; i < 3; i++) {
      expect((await t.gql(other, { r: [{ __typename: 'Product', id: `new-${i}` }] })).body.errors).toBeUndefined();
    }
    const after = await scrape(t);
    expect(moved(before, after, 'media_graphql_documents_parsed_total')).toBe(1);
    expect(moved(before, after, 'media_graphql_executions_total', { path: 'compiled' })).toBe(1);
    expect(moved(before, after, 'media_graphql_executions_total', { path: 'compiled-cache-hit' })).toBe(2);
  });
});
