import { BENCH_PUBLIC_URL, buildCatalog, productId } from '../../bench/lib/catalog';
import { moved, scrape } from '../helpers/prometheus';
import { SET_THUMBNAIL, startTestServer, type TestServer } from '../helpers/server';

/**
 * Queries run compiled by graphql-jit (src/graphql/executor.ts); the same
 * server with `jit: false` runs everything through graphql-js, as Apollo
 * would. Both must answer every request with the same status and body.
 */
describe('compiled execution', () => {
  let compiled: TestServer;
  let plain: TestServer;
  // The same media in both (the benchmark's catalogue): two products, each with a LOCAL and a SALLA image and a file.
  const catalog = buildCatalog(2);
  const product = productId(0);
  const imageId = catalog.images[1]!.id;
  beforeAll(async () => {
    const env = {
      MEDIA_PUBLIC_URL: BENCH_PUBLIC_URL,
      MEDIA_SIGNING_SECRET: 'compiled-execution-test-secret-0123456789',
    };
    [compiled, plain] = await Promise.all([startTestServer(env), startTestServer(env, undefined, { jit: false })]);
    for (const t of [compiled, plain]) await t.server.index.insertAll(catalog);
  });
  afterAll(() => Promise.all([compiled?.stop(), plain?.stop()]));

  const executions = (before: Awaited<ReturnType<typeof scrape>>, after: typeof before) => ({
    hits: moved(before, after, 'media_graphql_executions_total', { path: 'compiled-cache-hit' }),
    compiled: moved(before, after, 'media_graphql_executions_total', { path: 'compiled' }),
    graphqlJs: moved(before, after, 'media_graphql_executions_total', { path: 'graphql-js' }),
  });

  /** Asks both servers; their answers must be equal. */
  const both = async (query: string, variables?: Record<string, unknown>) => {
    const [a, b] = await Promise.all([compiled.gql(query, variables), plain.gql(query, variables)]);
    expect(a.status).toBe(b.status);
    expect(a.body).toEqual(b.body);
    return a;
  };

  it('answers queries as graphql-js does: fragments, aliases, directives, variables, __typename, entities', async () => {
    const query = `query Media($p: ID!, $withFiles: Boolean!, $reps: [_Any!]!) {
      first: productMedia(productId: $p) { ...Product }
      again: productMedia(productId: $p) { id __typename images { id } }
      _entities(representations: $reps) { __typename ... on Product { id thumbnail { id } } ... on ProductImage { id url } }
    }
    fragment Product on Product {
      id
      images { id status width height url variants { kind url format } isThumbnail createdAt product { id } }
      thumbnail @skip(if: false) { id }
      files @include(if: $withFiles) { id }
    }`;
    const variables = {
      p: product,
      withFiles: true,
      reps: [
        { __typename: 'Product', id: product },
        { __typename: 'ProductImage', id: imageId },
        { __typename: 'Product', id: 'no-media' },
        { __typename: 'Product', id: productId(1) },
      ],
    };
    const res = await both(query, variables);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.first.images).toHaveLength(2);
    expect(res.body.data.first.files).toHaveLength(1);
    expect(res.body.data._entities[1]).toMatchObject({ __typename: 'ProductImage', id: imageId });
    // Once more: from the compiled-query cache this time, and still the same answer.
    const before = await scrape(compiled);
    await both(query, variables);
    expect(executions(before, await scrape(compiled))).toEqual({ hits: 1, compiled: 0, graphqlJs: 0 });
  });

  it('masks unexpected errors and keeps typed and request errors as graphql-js words them', async () => {
    // An entity of a type this subgraph does not have: an unexpected failure, masked.
    const masked = await both(`query($r: [_Any!]!) { _entities(representations: $r) { __typename } }`, {
      r: [{ __typename: 'NoSuchType', id: '1' }],
    });
    expect(masked.body.errors?.[0]).toMatchObject({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(compiled.logs().some((l) => l.msg === 'unexpected error in a GraphQL request')).toBe(true);
    // Typed errors: on a nullable field (data stays), on a non-null root field (data becomes null).
    const typed = await both('{ productImage(id: "not-an-id") { id } }');
    expect(typed.body.errors?.[0]?.extensions?.code).toBe('INVALID_ID');
    const nonNull = await both('{ productMedia(productId: "") { id } }');
    expect(nonNull.body.data).toBeNull();
    // A bad variable: refused before anything runs, with a 400 and graphql-js's message.
    const badVariable = await both('query($p: ID!) { productMedia(productId: $p) { id } }', { p: { no: 1 } });
    expect(badVariable.status).toBe(400);
    expect(badVariable.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('runs a request that asks for an inline trace (ftv1) through graphql-js, and the rest compiled', async () => {
    const query = `{ productMedia(productId: "${product}") { images { id } } }`;
    const before = await scrape(compiled);
    const traced = await compiled.gql(query, undefined, { 'apollo-federation-include-trace': 'ftv1' });
    expect(typeof (traced.body as { extensions?: { ftv1?: unknown } }).extensions?.ftv1).toBe('string');
    const middle = await scrape(compiled);
    expect(executions(before, middle)).toEqual({ hits: 0, compiled: 0, graphqlJs: 1 });
    const untraced = await compiled.gql(query);
    expect(untraced.body).toEqual({ data: traced.body.data });
    expect(executions(middle, await scrape(compiled))).toEqual({ hits: 0, compiled: 1, graphqlJs: 0 });
  });

  it('runs mutations through graphql-js', async () => {
    const before = await scrape(compiled);
    await compiled.gql(SET_THUMBNAIL, { imageId: 'not-an-id' });
    expect(executions(before, await scrape(compiled))).toEqual({ hits: 0, compiled: 0, graphqlJs: 1 });
  });
});
