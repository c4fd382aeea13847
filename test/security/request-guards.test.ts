import { makeImage } from '../helpers/images';
import { multipartBody, postHead, rawRequest } from '../helpers/raw-http';
import { putBytes, requestImage, startTestServer, type TestServer } from '../helpers/server';

const storeReads = (t: TestServer) => Object.values(t.server.index.reads).reduce((a, b) => a + b, 0);
const rowCount = (t: TestServer) => t.server.index.imagesByProductIds(['victim']);

/** A mutation that would create a row if it ran. */
const FORGED = `mutation { requestImageUpload(input: { productId: "victim" }) { image { id } userErrors { code } } }`;

describe('CSRF: simple requests never reach a resolver', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  const boundary = 'csrf-boundary';
  const multipart = multipartBody(boundary, [
    `Content-Disposition: form-data; name="operations"\r\n\r\n${JSON.stringify({ query: FORGED })}`,
    'Content-Disposition: form-data; name="map"\r\n\r\n{}',
  ]);
  const json = JSON.stringify({ query: FORGED });
  const form = `query=${encodeURIComponent(FORGED)}`;

  it.each([
    { contentType: 'text/plain', body: json },
    { contentType: 'TEXT/PLAIN', body: json },
    { contentType: 'text/plain;charset=UTF-8', body: json },
    { contentType: '  Text/Plain ;  charset=utf-8  ', body: json },
    { contentType: 'application/x-www-form-urlencoded', body: form },
    { contentType: 'Application/X-WWW-Form-URLEncoded; charset=UTF-8', body: form },
    { contentType: `multipart/form-data; boundary=${boundary}`, body: multipart },
    { contentType: `MULTIPART/FORM-DATA; BOUNDARY=${boundary}`, body: multipart },
    { contentType: `  multipart/form-data ;boundary=${boundary}`, body: multipart },
    { contentType: `Multipart/Form-Data;\tboundary="${boundary}"`, body: multipart },
    { contentType: undefined, body: json },
  ])('refuses a POST with Content-Type $contentType and no preflight header', async ({ contentType, body }) => {
    const before = storeReads(t);
    const headers: Record<string, string> = contentType === undefined ? {} : { 'Content-Type': contentType };
    const res = await rawRequest(t.url, postHead('/graphql', headers, body), body);
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/Cross-Site Request Forgery/);
    expect(storeReads(t)).toBe(before);
    expect((await rowCount(t)).size).toBe(0);
  });

  it('refuses a mutation sent as GET', async () => {
    const res = await fetch(`${t.url}/graphql?query=${encodeURIComponent(FORGED)}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(res.status).toBe(405);
    expect((await rowCount(t)).size).toBe(0);
  });

  it('lets the same mutation through as JSON, so the refusals above are the guard and not the mutation', async () => {
    const res = await t.gql(FORGED);
    expect(res.body.data.requestImageUpload.userErrors).toEqual([]);
    expect((await rowCount(t)).get('victim')).toHaveLength(1);
  });
});

describe('malformed JSON bodies', () => {
  it.each([
    { name: 'broken JSON', body: '{"query": ', status: 400, code: 'BAD_REQUEST' },
    {
      name: 'a body over 1 MiB',
      body: JSON.stringify({ query: '{ mediaProviders { provider } }', pad: 'x'.repeat(1_100_000) }),
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    },
  ])('answers $name with $status in the GraphQL error shape, not an HTML page or a stack trace', async (row) => {
    const t = await startTestServer();
    try {
      const res = await rawRequest(
        t.url,
        postHead('/graphql', { 'Content-Type': 'application/json' }, row.body),
        row.body,
      );
      expect(res.status).toBe(row.status);
      expect(JSON.parse(res.body)).toEqual({
        errors: [{ message: expect.any(String), extensions: { code: row.code } }],
      });
      expect(res.body).not.toMatch(/<html|at .*\.(js|ts):\d+|node_modules/i);
    } finally {
      await t.stop();
    }
  });
});

describe('JSON POST /graphql is served without Express', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  const QUERY = '{ mediaProviders { provider } }';

  it('answers a JSON POST with the same data as the Express path, without the ETag Express computes', async () => {
    // GET goes through Express (expressMiddleware), whose res.send hashes every answer for an ETag.
    const viaExpress = await fetch(`${t.url}/graphql?query=${encodeURIComponent(QUERY)}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(viaExpress.status).toBe(200);
    expect(viaExpress.headers.get('etag')).toMatch(/^W\//);

    const direct = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(direct.status).toBe(200);
    expect(direct.headers.get('etag')).toBeNull();
    expect(direct.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json/);
    expect(await direct.json()).toEqual(await viaExpress.json());
  });
});

describe('ROUTER_SECRET', () => {
  const SECRET = 'router-secret-0123456789abcdef';
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ ROUTER_SECRET: SECRET });
  });
  afterAll(() => t.stop());

  it.each([
    ['no header', {}],
    ['a wrong secret', { 'router-authorization': 'guess' }],
    ['a wrong secret of the same length', { 'router-authorization': SECRET.replace(/.$/, 'X') }],
    ['the secret under another header', { authorization: SECRET }],
    ['the secret with extra text', { 'router-authorization': `${SECRET} ` + 'x' }],
  ])('refuses /graphql with %s, before any resolver runs', async (_, headers: Record<string, string>) => {
    const before = storeReads(t);
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: FORGED }),
    });
    expect(res.status).toBe(401);
    const text = await res.text();
    expect(text).toMatch(/UNAUTHENTICATED/);
    expect(text).not.toContain(SECRET);
    expect(storeReads(t)).toBe(before);
    expect((await rowCount(t)).size).toBe(0);
  });

  it('serves the router, and leaves upload URLs and /media to their own signatures', async () => {
    const withSecret = {
      gql: (q: string, v?: Record<string, unknown>) => t.gql(q, v, { 'router-authorization': SECRET }),
    };
    const { image, upload } = await requestImage(withSecret, { productId: 'routed' });
    // The frontend PUTs straight to the upload URL and loads /media: neither carries the router's secret.
    expect((await putBytes(upload, await makeImage(30, 30))).status).toBe(200);
    const read = await withSecret.gql(`query($id: ID!) { productImage(id: $id) { url } }`, { id: image.id });
    const media = await fetch(read.body.data.productImage.url);
    expect(media.status).toBe(200);
    expect(media.headers.get('content-type')).toBe('image/png');
  });
});
