import { randomUUID } from 'node:crypto';
import { formatGlobalId } from '../../src/domain/ids';
import {
  CREDENTIALS,
  providerEnv,
  startFakeDodo,
  startFakeKelviq,
  startFakeSalla,
  startFakeSuperOffice,
  type FakeDodo,
  type FakeKelviq,
  type FakeSalla,
  type FakeSuperOffice,
} from '../contract/fakes';
import { makeImage } from '../helpers/images';
import {
  REQUEST_IMAGE_UPLOAD,
  startTestServer,
  UPDATE_IMAGE,
  updateImageWithFile,
  type TestServer,
} from '../helpers/server';

let dodo: FakeDodo;
let salla: FakeSalla;
let superOffice: FakeSuperOffice;
let kelviq: FakeKelviq;
let t: TestServer;
beforeAll(async () => {
  [dodo, salla, superOffice, kelviq] = await Promise.all([
    startFakeDodo(),
    startFakeSalla(),
    startFakeSuperOffice(),
    startFakeKelviq(),
  ]);
  t = await startTestServer({
    ...providerEnv({ dodo, salla, superOffice, kelviq }),
    MEDIA_PROVIDER_RETRIES: '2',
    MEDIA_PROVIDER_TIMEOUT_MS: '400',
    MEDIA_PROVIDER_RETRY_BASE_MS: '5',
    MEDIA_PROVIDER_MAX_RETRY_AFTER_MS: '1500',
  });
});
afterAll(async () => {
  await t.stop();
  await Promise.all([dodo, salla, superOffice, kelviq].map((f) => f.close()));
});
afterEach(() => {
  for (const fake of [dodo, salla, superOffice, kelviq]) expect(fake.violations).toEqual([]);
});

/** A Kelviq image that exists at the fake, and its global id. */
function kelviqImage() {
  const product = randomUUID();
  const stored = kelviq.addImage(product);
  return formatGlobalId({ kind: 'ProductImage', provider: 'KELVIQ', productId: product, localId: stored.id });
}

async function patchOrdering(id: string) {
  const before = kelviq.attempts;
  const res = await t.gql(UPDATE_IMAGE, { input: { id, ordering: 5 } });
  return { payload: res.body.data.updateImage, attempts: kelviq.attempts - before };
}

describe('provider faults', () => {
  it.each([
    ['503', { status: 503, body: { detail: 'busy' } }],
    ['429', { status: 429, body: { detail: 'slow down' } }],
    ['a dropped connection', 'reset' as const],
    ['a timeout', 'hang' as const],
  ])('retries %s and succeeds on the next attempt', async (_what, fault) => {
    const id = kelviqImage();
    kelviq.failNext(2, fault);
    const { payload, attempts } = await patchOrdering(id);
    expect(payload.userErrors).toEqual([]);
    expect(payload.image.ordering).toBe(5);
    expect(attempts).toBe(3);
  });

  it('gives up after MEDIA_PROVIDER_RETRIES extra attempts: PROVIDER_UNAVAILABLE, retryable, nothing recorded', async () => {
    const id = kelviqImage();
    kelviq.failNext(3, { status: 500, body: { detail: 'boom' } });
    const { payload, attempts } = await patchOrdering(id);
    expect(attempts).toBe(3);
    expect(payload).toEqual({
      image: null,
      userErrors: [expect.objectContaining({ code: 'PROVIDER_UNAVAILABLE', provider: 'KELVIQ', retryable: true })],
    });
    const read = await t.gql(`{ productImage(id: "${id}") { id } }`);
    expect(read.body.data.productImage).toBeNull();
  });

  it('times every attempt out after MEDIA_PROVIDER_TIMEOUT_MS', async () => {
    kelviq.failNext(3, 'hang');
    const { payload, attempts } = await patchOrdering(kelviqImage());
    expect(attempts).toBe(3);
    expect(payload.userErrors[0]).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true });
    expect(payload.userErrors[0].message).toContain('timed out after 400 ms');
  });

  it('honours Retry-After within the cap, and gives up at once when asked to wait longer', async () => {
    kelviq.failNext(1, { status: 429, headers: { 'Retry-After': '1' }, body: {} });
    const waited = await patchOrdering(kelviqImage());
    expect(waited.payload.userErrors).toEqual([]);
    expect(waited.attempts).toBe(2);

    kelviq.failNext(1, { status: 503, headers: { 'Retry-After': '120' }, body: {} });
    const refused = await patchOrdering(kelviqImage());
    expect(refused.attempts).toBe(1);
    expect(refused.payload.userErrors[0]).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true });
  });

  it.each([
    [401, 'UNAUTHORIZED'],
    [403, 'UNAUTHORIZED'],
    [404, 'NOT_FOUND'],
    [400, 'PROVIDER_REJECTED'],
    [422, 'PROVIDER_REJECTED'],
  ])('maps HTTP %i to %s without retrying', async (status, code) => {
    kelviq.failNext(1, { status, body: { detail: `kelviq says ${status}` } });
    const { payload, attempts } = await patchOrdering(kelviqImage());
    expect(attempts).toBe(1);
    expect(payload.userErrors[0]).toMatchObject({ code, provider: 'KELVIQ', retryable: false });
    expect(payload.userErrors[0].message).toContain(`kelviq says ${status}`);
  });

  it('never lets a credential into an error, even when the provider echoes it', async () => {
    kelviq.failNext(1, { status: 400, body: { detail: `key ${CREDENTIALS.kelviqKey} is not allowed here` } });
    const { payload } = await patchOrdering(kelviqImage());
    expect(payload.userErrors[0].code).toBe('PROVIDER_REJECTED');
    expect(JSON.stringify(payload)).not.toContain(CREDENTIALS.kelviqKey);
    expect(payload.userErrors[0].message).toContain('[redacted]');
  });

  it.each([
    [
      'a plain-text stack trace',
      'text/plain',
      'Traceback (most recent call last):\n  File "/srv/kelviq/api/internal.py", line 7',
    ],
    ['an HTML error page', 'text/html', '<html><body><h1>Bad Request</h1><p>nginx/1.25 at 10.0.3.7</p></body></html>'],
  ])('passes no unstructured provider body to the client: %s', async (_, contentType, body) => {
    kelviq.failNext(1, { status: 400, headers: { 'content-type': contentType }, body });
    const { payload } = await patchOrdering(kelviqImage());
    expect(payload.userErrors[0]).toMatchObject({ code: 'PROVIDER_REJECTED', provider: 'KELVIQ' });
    const text = JSON.stringify(payload);
    for (const leak of ['Traceback', '/srv/kelviq', 'nginx', '10.0.3.7', '<html']) expect(text).not.toContain(leak);
  });

  it('a wrong credential is UNAUTHORIZED', async () => {
    const wrong = await startTestServer({ KELVIQ_API_KEY: 'not-the-key', KELVIQ_BASE_URL: kelviq.url });
    try {
      const res = await wrong.gql(UPDATE_IMAGE, { input: { id: kelviqImage(), ordering: 1 } });
      expect(res.body.data.updateImage.userErrors[0]).toMatchObject({ code: 'UNAUTHORIZED', provider: 'KELVIQ' });
      expect(JSON.stringify(res.body)).not.toContain('not-the-key');
    } finally {
      await wrong.stop();
    }
  });

  it('an unreachable provider is PROVIDER_UNAVAILABLE', async () => {
    const down = await startTestServer({ KELVIQ_API_KEY: 'k', KELVIQ_BASE_URL: 'http://127.0.0.1:1/api/v1' });
    try {
      const res = await down.gql(UPDATE_IMAGE, { input: { id: kelviqImage(), ordering: 1 } });
      expect(res.body.data.updateImage.userErrors[0]).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true });
    } finally {
      await down.stop();
    }
  });

  it('Dodo (through its SDK) gets the same policy: a 503 is retried, a 422 is not', async () => {
    dodo.failNext(1, { status: 503, body: { message: 'unavailable' } });
    let before = dodo.attempts;
    const retried = await t.gql(REQUEST_IMAGE_UPLOAD, { input: { productId: 'pdt_f1', provider: 'DODO_PAYMENTS' } });
    expect(retried.body.data.requestImageUpload.userErrors).toEqual([]);
    expect(dodo.attempts - before).toBe(2);

    dodo.failNext(1, { status: 422, body: { message: 'product is archived' } });
    before = dodo.attempts;
    const rejected = await t.gql(REQUEST_IMAGE_UPLOAD, { input: { productId: 'pdt_f2', provider: 'DODO_PAYMENTS' } });
    expect(rejected.body.data.requestImageUpload.userErrors[0]).toMatchObject({
      code: 'PROVIDER_REJECTED',
      provider: 'DODO_PAYMENTS',
    });
    expect(rejected.body.data.requestImageUpload.userErrors[0].message).toContain('product is archived');
    expect(dodo.attempts - before).toBe(1);

    dodo.failNext(3, 'hang');
    before = dodo.attempts;
    const timedOut = await t.gql(REQUEST_IMAGE_UPLOAD, { input: { productId: 'pdt_f3', provider: 'DODO_PAYMENTS' } });
    expect(timedOut.body.data.requestImageUpload.userErrors[0]).toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    expect(dodo.attempts - before).toBe(3);
  });

  it('a retried upload sends the same bytes again (the body is replayed from the spooled file)', async () => {
    const png = await makeImage(70, 70);
    salla.failNext(1, { status: 502, body: {} });
    const id = formatGlobalId({ kind: 'ProductImage', provider: 'SALLA', productId: 'f-1', localId: '777' });
    const res = await updateImageWithFile(t, { id }, png);
    expect(((await res.json()) as any).data.updateImage.userErrors).toEqual([]);
    const [first, second] = salla.requests.slice(-2);
    expect(first!.files[0]!.bytes.equals(png)).toBe(true);
    expect(second!.files[0]!.bytes.equals(png)).toBe(true);

    superOffice.failNext(2, { status: 503, body: {} });
    const so = formatGlobalId({ kind: 'ProductImage', provider: 'SUPEROFFICE', productId: '77', localId: 'primary' });
    const soRes = await updateImageWithFile(t, { id: so }, png);
    expect(((await soRes.json()) as any).data.updateImage.userErrors).toEqual([]);
    for (const request of superOffice.requests.slice(-3)) expect((request.body as Buffer).equals(png)).toBe(true);
  });
});
