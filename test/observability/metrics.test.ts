import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { formatGlobalId } from '../../src/domain/ids';
import { BACKEND } from '../backend/backend';
import { providerEnv, startFakeKelviq, type FakeKelviq } from '../contract/fakes';
import { makeImage } from '../helpers/images';
import { putBytes, requestImage, startTestServer, UPDATE_IMAGE, type TestServer } from '../helpers/server';
import { moved, scrape as scrapeMetrics, total, type Exposition } from '../helpers/prometheus';

const has = (exposition: Exposition, name: string) => exposition.samples.some((s) => s.name === name);

const TOKEN = 'metrics-token-7c1d0e93b5a24f68';

const scrape = (t: TestServer, token: string | undefined = TOKEN) => scrapeMetrics(t, token);

let kelviq: FakeKelviq;
let t: TestServer;
beforeAll(async () => {
  kelviq = await startFakeKelviq();
  t = await startTestServer({ ...providerEnv({ kelviq }), MEDIA_METRICS_TOKEN: TOKEN });
});
afterAll(async () => {
  await t.stop();
  await kelviq.close();
});

describe('GET /metrics', () => {
  it('is refused without the token or with a wrong one (401), served with it, and the token is never logged', async () => {
    const none = await fetch(`${t.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(await none.text()).not.toContain('media_http_requests_total');
    const wrongSameLength = TOKEN.slice(0, -1) + (TOKEN.endsWith('0') ? '1' : '0');
    for (const wrong of [wrongSameLength, 'short', `${TOKEN}x`]) {
      const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${wrong}` } });
      expect(res.status).toBe(401);
    }
    const basic = await fetch(`${t.url}/metrics`, { headers: { authorization: `Basic ${TOKEN}` } });
    expect(basic.status).toBe(401);
    const exposition = await scrape(t);
    expect(has(exposition, 'media_http_requests_total')).toBe(true);
    // The refused scrapes themselves count, under the route template and their status.
    expect(total(exposition, 'media_http_requests_total', { route: '/metrics', status: '401' })).toBeGreaterThanOrEqual(
      5,
    );
    expect(t.rawLogs()).not.toContain(TOKEN);
  });

  it('exports the process metrics and the processing gauges, and the pool gauges only on PostgreSQL', async () => {
    // A read of the index just before, so the pool has a connection open (idle ones close after 30 s).
    expect((await t.gql(`{ productMedia(productId: "metrics-pool") { images { id } } }`)).status).toBe(200);
    const exposition = await scrape(t);
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(has(exposition, name)).toBe(true);
    }
    expect(exposition.types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
    for (const name of ['media_image_tasks_queued', 'media_image_tasks_running', 'media_image_processing_backlog']) {
      expect(exposition.types.get(name)).toBe('gauge');
      expect(total(exposition, name)).toBeGreaterThanOrEqual(0);
    }
    if (BACKEND === 'postgres-s3') {
      expect(total(exposition, 'media_store_pool_max_connections')).toBe(10);
      expect(total(exposition, 'media_store_pool_connections')).toBeGreaterThanOrEqual(1);
      expect(total(exposition, 'media_store_pool_idle_connections')).toBeLessThanOrEqual(
        total(exposition, 'media_store_pool_connections'),
      );
      expect(total(exposition, 'media_store_pool_waiting_clients')).toBe(0);
    } else {
      expect(has(exposition, 'media_store_pool_connections')).toBe(false);
    }
  });

  it('counts GraphQL operations by type, name and outcome, and errors by code', async () => {
    const before = await scrape(t);
    expect((await t.gql(`query MetricsProbe { mediaProviders { provider } }`)).status).toBe(200);
    expect((await t.gql(`query MetricsProbe { mediaProviders { configured } }`)).status).toBe(200);
    const invalid = await t.gql(`query BadId { productImage(id: "not-a-global-id") { id } }`);
    expect(invalid.body.errors![0]!.extensions!.code).toBe('INVALID_ID');
    expect((await t.gql(`{ mediaProviders { provider } }`)).status).toBe(200);
    expect((await t.gql(`query Broken { mediaProviders {`)).status).toBe(400);
    // The document parses, but has no operation of the name asked for: unresolved too, not anonymous.
    const missing = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query A { __typename }', operationName: 'B' }),
    });
    expect(missing.status).toBe(400);
    const after = await scrape(t);

    const op = (labels: Record<string, string>) => moved(before, after, 'media_graphql_operations_total', labels);
    expect(op({ operation_type: 'query', operation_name: 'MetricsProbe', outcome: 'success' })).toBe(2);
    expect(op({ operation_type: 'query', operation_name: 'BadId', outcome: 'client_error' })).toBe(1);
    expect(op({ operation_type: 'query', operation_name: '(anonymous)', outcome: 'success' })).toBe(1);
    // A document that does not parse has no operation: its client-chosen name is not trusted either.
    expect(op({ operation_type: 'unknown', operation_name: '(unresolved)', outcome: 'client_error' })).toBe(2);
    expect(op({ operation_name: '(anonymous)' })).toBe(1);
    expect(op({})).toBe(6);
    expect(moved(before, after, 'media_graphql_errors_total', { code: 'INVALID_ID' })).toBe(1);
    expect(moved(before, after, 'media_graphql_errors_total', { code: 'GRAPHQL_PARSE_FAILED' })).toBe(1);
    expect(
      moved(before, after, 'media_graphql_operation_duration_seconds_count', {
        operation_type: 'query',
        operation_name: 'MetricsProbe',
      }),
    ).toBe(2);
    // JSON GraphQL requests skip Express, and are counted all the same.
    expect(
      moved(before, after, 'media_http_requests_total', { method: 'POST', route: '/graphql', status: '200' }),
    ).toBe(4);
    expect(
      moved(before, after, 'media_http_requests_total', { method: 'POST', route: '/graphql', status: '400' }),
    ).toBe(2);
    expect(
      moved(before, after, 'media_http_request_duration_seconds_count', { method: 'POST', route: '/graphql' }),
    ).toBe(6);
  });

  it('counts an upload received and an image served in bytes, LOCAL storage calls and image tasks, by template only', async () => {
    const productId = `metrics-${randomUUID()}`;
    const bytes = await makeImage(320, 200, 'png');
    const before = await scrape(t);
    const { image, upload } = await requestImage(t, { productId });
    const put = await putBytes(upload, bytes);
    expect(put.status).toBe(200);
    const read = await t.gql(`query($id: ID!) { productImage(id: $id) { url } }`, { id: image.id });
    const url = read.body.data.productImage.url as string;
    expect(new URL(url).pathname).toMatch(/^\/media\/images\//);
    const download = await fetch(url);
    expect(download.status).toBe(200);
    const served = (await download.arrayBuffer()).byteLength;
    expect(served).toBeGreaterThan(0);
    // A HEAD sends no body, and a missing image is a 404: neither counts as bytes served.
    expect((await fetch(url, { method: 'HEAD' })).status).toBe(200);
    const missing = new URL(url);
    missing.pathname = missing.pathname.replace(/\/images\/[^/]+\//, `/images/${randomUUID()}/`);
    expect((await fetch(missing)).status).toBe(404);
    expect((await fetch(`${t.url}/no-such-route/${'x'.repeat(80)}?token=secret`)).status).toBe(404);
    const after = await scrape(t);

    expect(moved(before, after, 'media_received_bytes_total', { via: 'put' })).toBe(bytes.length);
    expect(moved(before, after, 'media_received_bytes_total')).toBe(bytes.length);
    const imageRoute = '/media/images/:imageId/:revision/:name';
    expect(moved(before, after, 'media_served_bytes_total', { route: imageRoute })).toBe(served);
    expect(moved(before, after, 'media_served_bytes_total')).toBe(served);
    const http = (labels: Record<string, string>) => moved(before, after, 'media_http_requests_total', labels);
    expect(http({ method: 'PUT', route: '/uploads/:token', status: '200' })).toBe(1);
    expect(http({ method: 'GET', route: imageRoute, status: '200' })).toBe(1);
    expect(http({ method: 'HEAD', route: imageRoute, status: '200' })).toBe(1);
    expect(http({ method: 'GET', route: imageRoute, status: '404' })).toBe(1);
    expect(http({ method: 'GET', route: '(unmatched)', status: '404' })).toBe(1);
    expect(moved(before, after, 'media_http_request_duration_seconds_count', { route: '/uploads/:token' })).toBe(1);

    // LOCAL's storage, whichever backend: the revision was published, and its original read for the download.
    const local = (operation: string, result = 'ok') =>
      moved(before, after, 'media_provider_calls_total', { provider: 'LOCAL', operation, result });
    expect(local('publishFolder')).toBeGreaterThanOrEqual(1);
    expect(local('read')).toBeGreaterThanOrEqual(1);
    expect(local('stat')).toBeGreaterThanOrEqual(2);
    expect(
      moved(before, after, 'media_provider_call_duration_seconds_count', { provider: 'LOCAL', operation: 'read' }),
    ).toBe(local('read') + local('read', 'NOT_FOUND') + local('read', 'PROVIDER_UNAVAILABLE'));

    // The image was decoded and rendered in a worker.
    expect(moved(before, after, 'media_image_task_duration_seconds_count', { task: 'render', result: 'ok' })).toBe(1);
    expect(moved(before, after, 'media_image_task_wait_seconds_count', { task: 'render' })).toBe(1);
    expect(after.types.get('media_image_task_duration_seconds')).toBe('histogram');

    // No label anywhere holds an id, a token, a URL or a path that was requested.
    const token = new URL(upload.url).pathname.split('/').pop()!;
    const imageLocalId = image.id.split('/').pop()!;
    const forbidden = [token, productId, imageLocalId, url, new URL(url).pathname, 'x'.repeat(80), 'secret', t.url];
    for (const sample of after.samples) {
      for (const value of Object.values(sample.labels)) {
        for (const word of forbidden) expect(value).not.toContain(word);
        expect(value).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i);
        expect(value).not.toMatch(/:\/\/|\?/);
      }
    }
  });

  it('counts requests Express routes under a mount by their own route: multipart /graphql, an upload preflight', async () => {
    const { image, upload } = await requestImage(t, { productId: `metrics-${randomUUID()}` });
    const before = await scrape(t);
    const form = new FormData();
    form.append('operations', JSON.stringify({ query: '{ mediaProviders { provider } }' }));
    form.append('map', '{}');
    const multipart = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'apollo-require-preflight': 'true' },
      body: form,
    });
    expect(multipart.status).toBe(200);
    await multipart.text();
    const preflight = await fetch(upload.url, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173' } });
    expect(preflight.status).toBe(204);
    expect(image.id).toBeDefined();
    const after = await scrape(t);
    expect(
      moved(before, after, 'media_http_requests_total', { method: 'POST', route: '/graphql', status: '200' }),
    ).toBe(1);
    expect(
      moved(before, after, 'media_http_requests_total', { method: 'OPTIONS', route: '/uploads/:token', status: '204' }),
    ).toBe(1);
    expect(moved(before, after, 'media_http_requests_total', { route: '/' })).toBe(0);
    expect(moved(before, after, 'media_http_requests_total', { route: '(unmatched)' })).toBe(0);
  });

  it('counts a download read in full as answered, also when the client closes the moment it has every byte', async () => {
    const { url } = await requestImage(t, { productId: `metrics-${randomUUID()}` }).then(async ({ image, upload }) => {
      expect((await putBytes(upload, await makeImage(64, 48))).status).toBe(200);
      const res = await t.gql(`query($id: ID!) { productImage(id: $id) { url } }`, { id: image.id });
      return res.body.data.productImage as { url: string };
    });
    const { pathname, search, hostname, port } = new URL(url);
    const route = { method: 'GET', route: '/media/images/:imageId/:revision/:name' };
    const before = await scrape(t);
    const DOWNLOADS = 20;
    let size = 0;
    for (let i = 0; i < DOWNLOADS; i += 1) {
      // As curl does: read the headers and Content-Length bytes, then close at once, keep-alive or not.
      const socket = net.connect(Number(port), hostname);
      socket.write(`GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
      let received = Buffer.alloc(0);
      await new Promise<void>((resolve, reject) => {
        socket.on('data', (chunk: Buffer) => {
          received = Buffer.concat([received, chunk]);
          const end = received.indexOf('\r\n\r\n');
          if (end < 0) return;
          size = Number(/content-length: (\d+)/i.exec(received.subarray(0, end).toString())![1]);
          if (received.length - end - 4 >= size) resolve();
        });
        socket.once('error', reject);
      });
      socket.destroy();
    }
    let after = await scrape(t);
    for (let i = 0; i < 20 && moved(before, after, 'media_http_requests_total', route) < DOWNLOADS; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      after = await scrape(t);
    }
    expect(moved(before, after, 'media_http_requests_total', { ...route, status: '200' })).toBe(DOWNLOADS);
    expect(moved(before, after, 'media_http_requests_aborted_total', route)).toBe(0);
    expect(moved(before, after, 'media_served_bytes_total', { route: route.route })).toBe(DOWNLOADS * size);
  });

  it('counts a request whose sender went away before the answer as aborted, not as answered', async () => {
    const { upload } = await requestImage(t, { productId: `metrics-${randomUUID()}` });
    const before = await scrape(t);
    const { pathname, hostname, port } = new URL(upload.url);
    // Half a body, then the connection goes: the upload is never answered.
    const socket = net.connect(Number(port), hostname);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(`PUT ${pathname} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Length: 1000\r\n\r\n${'x'.repeat(10)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    socket.destroy();
    const aborted = { method: 'PUT', route: '/uploads/:token' };
    let after = await scrape(t);
    for (let i = 0; i < 50 && moved(before, after, 'media_http_requests_aborted_total', aborted) === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await scrape(t);
    }
    expect(moved(before, after, 'media_http_requests_aborted_total', aborted)).toBe(1);
    expect(moved(before, after, 'media_http_requests_total', { route: '/uploads/:token' })).toBe(0);
    expect(moved(before, after, 'media_received_bytes_total')).toBe(0);
  });

  it('counts remote provider calls in the transport by provider, documented operation and result, with their attempts', async () => {
    const product = randomUUID();
    const stored = kelviq.addImage(product);
    const id = formatGlobalId({ kind: 'ProductImage', provider: 'KELVIQ', productId: product, localId: stored.id });
    const missing = formatGlobalId({
      kind: 'ProductImage',
      provider: 'KELVIQ',
      productId: product,
      localId: randomUUID(),
    });
    const before = await scrape(t);
    const ok = await t.gql(UPDATE_IMAGE, { input: { id, name: 'metrics.png' } });
    expect(ok.body.data.updateImage.userErrors).toEqual([]);
    const gone = await t.gql(UPDATE_IMAGE, { input: { id: missing, name: 'metrics.png' } });
    expect(gone.body.data.updateImage.userErrors[0].code).toBe('NOT_FOUND');
    // A 503 is retried (MEDIA_PROVIDER_RETRIES, 2 by default): three attempts, one call.
    kelviq.failNext(3, { status: 503, body: { detail: 'down for maintenance' } });
    const down = await t.gql(UPDATE_IMAGE, { input: { id, name: 'metrics-2.png' } });
    expect(down.body.data.updateImage.userErrors[0].code).toBe('PROVIDER_UNAVAILABLE');
    const after = await scrape(t);

    const operation = 'PATCH /catalog/products/{product_pk}/image/{pk}/';
    const calls = (result: string) =>
      moved(before, after, 'media_provider_calls_total', { provider: 'KELVIQ', operation, result });
    expect(calls('ok')).toBe(1);
    expect(calls('NOT_FOUND')).toBe(1);
    expect(calls('PROVIDER_UNAVAILABLE')).toBe(1);
    expect(moved(before, after, 'media_provider_call_duration_seconds_count', { provider: 'KELVIQ', operation })).toBe(
      3,
    );
    const attempts = (outcome: string) =>
      moved(before, after, 'media_provider_attempts_total', { provider: 'KELVIQ', operation, outcome });
    expect(attempts('2xx')).toBe(1);
    expect(attempts('4xx')).toBe(1);
    expect(attempts('5xx')).toBe(3);
    // Mutation payloads carry userErrors as data: the operations themselves succeeded.
    expect(
      moved(before, after, 'media_graphql_operations_total', { operation_type: 'mutation', outcome: 'success' }),
    ).toBe(3);
  });
});

describe('metrics of several servers in one process', () => {
  let other: TestServer;
  beforeAll(async () => {
    other = await startTestServer();
  });
  afterAll(() => other.stop());

  it('keep a registry each (no token: served to anyone), and bound operation names with an (other) bucket', async () => {
    const start = await scrape(other, undefined);
    // Nothing of the first server's traffic shows here.
    expect(total(start, 'media_http_requests_total', { route: '/uploads/:token' })).toBe(0);
    expect(total(start, 'media_provider_calls_total', { provider: 'KELVIQ' })).toBe(0);
    expect(has(start, 'process_cpu_user_seconds_total')).toBe(true);

    // More distinct names than the cap (50), and one name too long to be a label.
    for (let i = 0; i < 55; i += 1) {
      expect((await other.gql(`query Name${i} { mediaProviders { provider } }`)).status).toBe(200);
    }
    expect((await other.gql(`query ${'N'.repeat(65)} { mediaProviders { provider } }`)).status).toBe(200);
    const after = await scrape(other, undefined);
    const names = new Set(
      after.samples.filter((s) => s.name === 'media_graphql_operations_total').map((s) => s.labels.operation_name),
    );
    expect([...names].filter((n) => /^Name\d+$/.test(n!))).toHaveLength(50);
    expect(total(after, 'media_graphql_operations_total', { operation_name: '(other)' })).toBe(6);
    expect(total(after, 'media_graphql_operations_total')).toBe(56);
    // The first server's counters did not move with this traffic.
    const first = await scrape(t);
    expect(total(first, 'media_graphql_operations_total', { operation_name: 'Name0' })).toBe(0);
  });
});
