import { formatGlobalId } from '../src/domain/ids';
import { CREDENTIALS, providerEnv, startFakeSalla, type FakeSalla } from './contract/fakes';
import { makeImage } from './helpers/images';
import {
  putBytes,
  requestImage,
  startTestServer,
  UPDATE_IMAGE,
  updateImageWithFile,
  type LogLine,
  type TestServer,
} from './helpers/server';

const ROUTER_SECRET = 'logging-router-secret-0123456789';
const SIGNING_SECRET = 'logging-signing-secret-0123456789abcdef';

describe('logs', () => {
  let salla: FakeSalla;
  let t: TestServer;
  const asRouter = { 'router-authorization': ROUTER_SECRET };
  beforeAll(async () => {
    salla = await startFakeSalla();
    t = await startTestServer({
      ...providerEnv({ salla }),
      ROUTER_SECRET,
      MEDIA_SIGNING_SECRET: SIGNING_SECRET,
      // One attempt, so a refused call is one line.
      MEDIA_PROVIDER_RETRIES: '0',
    });
  });
  afterAll(async () => {
    await t.stop();
    await salla.close();
  });
  afterEach(() => expect(salla.violations).toEqual([]));

  const linesOf = (requestId: string) => t.logs().filter((l) => l.requestId === requestId);
  const requestLine = (requestId: string) => linesOf(requestId).find((l) => l.msg === 'request');

  it('give every request an id, answered in x-request-id, and log its operation name, status and duration', async () => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...asRouter },
      body: JSON.stringify({ query: 'query ListProviders { mediaProviders { provider } }' }),
    });
    expect(res.status).toBe(200);
    const requestId = res.headers.get('x-request-id')!;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    await res.text();
    await new Promise((resolve) => setImmediate(resolve));
    expect(requestLine(requestId)).toMatchObject({
      level: 'info',
      service: 'product-media',
      method: 'POST',
      path: '/graphql',
      status: 200,
      operationName: 'ListProviders',
      durationMs: expect.any(Number),
    });
  });

  it("keep the router's request id, so one id follows a request across the supergraph", async () => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'router-req-42', ...asRouter },
      body: JSON.stringify({ query: '{ mediaProviders { provider } }' }),
    });
    await res.text();
    await new Promise((resolve) => setImmediate(resolve));
    expect(res.headers.get('x-request-id')).toBe('router-req-42');
    expect(requestLine('router-req-42')).toMatchObject({ operationName: '(anonymous query)', status: 200 });
  });

  it('log each provider call with provider, operation, status and duration, under the request id', async () => {
    const png = await makeImage(40, 30);
    const id = formatGlobalId({ kind: 'ProductImage', provider: 'SALLA', productId: 'p-log', localId: '777' });
    const ok = await updateImageWithFile(t, { id, alt: 'logged' }, png, {
      'apollo-require-preflight': 'true',
      ...asRouter,
    });
    const requestId = ok.headers.get('x-request-id')!;
    expect(((await ok.json()) as any).data.updateImage.userErrors).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    const lines = linesOf(requestId);
    expect(lines.find((l) => l.msg === 'provider call')).toMatchObject({
      provider: 'SALLA',
      operation: 'POST /products/images/{image-id}',
      attempt: 1,
      // Salla answers 201 to an image update (the seed operation's documented answer).
      status: 201,
      durationMs: expect.any(Number),
    });
    expect(lines.find((l) => l.msg === 'upload received')).toMatchObject({ via: 'multipart', bytes: png.length });
    expect(requestLine(requestId)).toMatchObject({ operationName: '(anonymous mutation)', status: 200 });

    // A refused call logs the provider's status.
    salla.failNext(1, { status: 401, body: { status: 401, success: false, error: { code: 'Unauthorized' } } });
    const refused = await t.gql(UPDATE_IMAGE, { input: { id, alt: 'again' } }, asRouter);
    expect(refused.body.data.updateImage.userErrors[0]).toMatchObject({ code: 'UNAUTHORIZED' });
    const failedCall = t.logs().filter((l) => l.msg === 'provider call' && l.status === 401);
    expect(failedCall).toHaveLength(1);
    expect(requestLine(failedCall[0]!.requestId)).toMatchObject({ path: '/graphql', status: 200 });
  });

  it('log upload sizes on PUT /uploads, with the token left out of the path', async () => {
    const bytes = await makeImage(50, 50);
    const { upload } = await requestImage({ gql: (q, v) => t.gql(q, v, asRouter) }, { productId: 'p-put' });
    const put = await putBytes(upload, bytes);
    expect(put.status).toBe(200);
    await new Promise((resolve) => setImmediate(resolve));
    const received = t.logs().filter((l) => l.msg === 'upload received' && l.via === 'put' && l.bytes === bytes.length);
    expect(received).toHaveLength(1);
    expect(requestLine(received[0]!.requestId)).toMatchObject({ method: 'PUT', path: '/uploads/:token', status: 200 });
  });

  it('log the path as requested where Express routes under a mount: multipart /graphql, an upload preflight', async () => {
    const { image, upload } = await requestImage({ gql: (q, v) => t.gql(q, v, asRouter) }, { productId: 'p-mount' });
    const multipart = await updateImageWithFile(t, { id: image.id, alt: 'mounted' }, await makeImage(20, 20), {
      'apollo-require-preflight': 'true',
      ...asRouter,
    });
    expect(multipart.status).toBe(200);
    await multipart.text();
    const preflight = await fetch(upload.url, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'PUT' },
    });
    expect(preflight.status).toBe(204);
    await new Promise((resolve) => setImmediate(resolve));
    expect(requestLine(multipart.headers.get('x-request-id')!)).toMatchObject({ method: 'POST', path: '/graphql' });
    expect(requestLine(preflight.headers.get('x-request-id')!)).toMatchObject({
      method: 'OPTIONS',
      path: '/uploads/:token',
    });
  });

  it('never contain credentials, tokens or signatures', async () => {
    // Requests that carry every kind of secret, including refused ones.
    await t.gql('{ mediaProviders { provider } }', undefined, { 'router-authorization': 'wrong-secret-value' });
    const { upload } = await requestImage({ gql: (q, v) => t.gql(q, v, asRouter) }, { productId: 'p-secret' });
    await putBytes(upload, Buffer.from('not an image'));
    const token = new URL(upload.url).pathname.split('/').pop()!;
    const all = t.rawLogs();
    expect(all.length).toBeGreaterThan(0);
    for (const secret of [
      ROUTER_SECRET,
      'wrong-secret-value',
      SIGNING_SECRET,
      CREDENTIALS.sallaToken,
      token,
      ...t
        .logs()
        .map((l: LogLine) => String(l.path ?? ''))
        .filter((p) => p.includes('?')),
    ]) {
      expect(all).not.toContain(secret);
    }
    // Every line is JSON with a level and a message.
    for (const line of t.logs())
      expect(line).toEqual(expect.objectContaining({ level: expect.any(String), msg: expect.any(String) }));
  });
});
