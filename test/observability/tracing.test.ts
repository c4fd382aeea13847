import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatGlobalId } from '../../src/domain/ids';
import { CREDENTIALS, providerEnv, startFakeKelviq, type FakeKelviq } from '../contract/fakes';
import { startChildServer, type ChildServer } from '../helpers/child-server';
import { makeImage } from '../helpers/images';
import {
  graphqlClient,
  putBytes,
  requestImage,
  startTestServer,
  tempDataDir,
  UPDATE_IMAGE,
  type TestServer,
} from '../helpers/server';

/**
 * OpenTelemetry traces (docs/tracing.md): the real subgraph runs as its own
 * process (`src/main.ts`, so the instrumentations load before http, express and
 * graphql) and exports OTLP/HTTP JSON to a receiver on loopback; the spans it
 * sends are read back as a collector would see them.
 */

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
  arrayValue?: { values?: OtlpValue[] };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: OtlpValue }[];
}
interface ExportRequest {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: OtlpValue }[] };
    scopeSpans?: { scope?: { name?: string }; spans?: OtlpSpan[] }[];
  }[];
}

/** OTLP span kinds. */
const SERVER = 2;

/** A loopback OTLP/HTTP receiver: collects every JSON POST to /v1/traces. */
async function startReceiver() {
  const requests: ExportRequest[] = [];
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      paths.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
      if (req.method === 'POST' && req.url === '/v1/traces') {
        requests.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ExportRequest);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    paths,
    spans: () =>
      requests.flatMap((r) =>
        (r.resourceSpans ?? []).flatMap((rs) => rs.scopeSpans ?? []).flatMap((s) => s.spans ?? []),
      ),
    resources: () => requests.flatMap((r) => (r.resourceSpans ?? []).map((rs) => rs.resource?.attributes ?? [])),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const valueOf = (value: OtlpValue): unknown =>
  value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue ?? value.arrayValue?.values?.map(valueOf);

const attrs = (span: OtlpSpan): Record<string, unknown> =>
  Object.fromEntries((span.attributes ?? []).map((a) => [a.key, valueOf(a.value)]));

const SIGNING_SECRET = 'tracing-test-signing-secret-5b1e0c9d7a3f42e8';

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let kelviq: FakeKelviq;
let child: ChildServer | undefined;

beforeAll(async () => {
  receiver = await startReceiver();
  kelviq = await startFakeKelviq();
});
afterAll(async () => {
  await child?.kill('SIGKILL');
  await kelviq.close();
  await receiver.close();
});

/** PUTs `bytes` to `uploadUrl` through `server`, naming the whole URL on the request line (absolute form). */
function putAbsoluteForm(server: string, uploadUrl: string, bytes: Buffer): Promise<number | undefined> {
  const { hostname, port } = new URL(server);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: hostname, port, method: 'PUT', path: uploadUrl, headers: { 'content-type': 'image/png' } },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode));
      },
    );
    req.once('error', reject);
    req.end(bytes);
  });
}

describe('OpenTelemetry traces', () => {
  it('exports HTTP, GraphQL, processing and provider spans over OTLP, with no token or secret in any attribute', async () => {
    child = await startChildServer({
      MEDIA_DATA_DIR: tempDataDir(),
      MEDIA_SIGNING_SECRET: SIGNING_SECRET,
      ...providerEnv({ kelviq }),
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '200',
    });
    const gql = graphqlClient(child.url);

    // A plain query, asking for Apollo's inline trace as a router does: ftv1 stays available beside OpenTelemetry.
    const productId = randomUUID();
    const query = await gql(`{ productMedia(productId: "${productId}") { images { id } } }`, undefined, {
      'apollo-federation-include-trace': 'ftv1',
    });
    expect(query.body.data).toEqual({ productMedia: { images: [] } });
    expect(typeof (query.body as { extensions?: { ftv1?: unknown } }).extensions?.ftv1).toBe('string');

    // An upload: requestImageUpload, then the PUT to the upload URL, which processes the image.
    const { image, upload } = await requestImage({ gql }, { productId });
    const token = new URL(upload.url).pathname.split('/').pop()!;
    expect(token.length).toBeGreaterThan(20);
    const put = await putBytes(upload, await makeImage(320, 200));
    expect(put).toMatchObject({ status: 200, body: { status: 'READY' } });
    // Another, its request line in absolute form (`PUT http://host/uploads/<token>`), which Express routes as well.
    const second = await requestImage({ gql }, { productId });
    const absoluteToken = new URL(second.upload.url).pathname.split('/').pop()!;
    expect(await putAbsoluteForm(child.url, second.upload.url, await makeImage(40, 30))).toBe(200);

    // A signed rendition URL, fetched: its signature is in the query string.
    const transformed = await gql(
      `query($id: ID!) { productImage(id: $id) { url(transform: {maxWidth: 64, format: WEBP}) } }`,
      {
        id: image.id,
      },
    );
    const renditionUrl = new URL(transformed.body.data.productImage.url as string);
    const signature = renditionUrl.searchParams.get('signature')!;
    expect(signature).toBeTruthy();
    const rendition = await fetch(renditionUrl);
    expect(rendition.status).toBeLessThan(400);
    await rendition.arrayBuffer();

    // A remote provider's call, to the loopback fake Kelviq.
    const kelviqProduct = randomUUID();
    const stored = kelviq.addImage(kelviqProduct);
    const kelviqId = formatGlobalId({
      kind: 'ProductImage',
      provider: 'KELVIQ',
      productId: kelviqProduct,
      localId: stored.id,
    });
    const updated = await gql(UPDATE_IMAGE, { input: { id: kelviqId, name: 'traced.png' } });
    expect(updated.body.data.updateImage.userErrors).toEqual([]);

    // Stopping the server exports what is still buffered.
    await child.kill('SIGTERM');
    // Stopped by main.ts's handler (not killed by the signal), so the buffered spans were exported.
    expect({ code: child.process.exitCode, signal: child.process.signalCode }).toEqual({ code: 0, signal: null });

    const spans = receiver.spans();
    const names = spans.map((s) => s.name);
    expect(receiver.paths.every((p) => p.startsWith('POST /v1/traces application/json'))).toBe(true);

    // The service is named product-media unless OTEL_SERVICE_NAME says otherwise.
    const resource = Object.fromEntries(receiver.resources()[0]!.map((a) => [a.key, valueOf(a.value)]));
    expect(resource['service.name']).toBe('product-media');

    // HTTP server spans, named by route template.
    const graphqlServer = spans.filter((s) => s.kind === SERVER && s.name === 'POST /graphql');
    expect(graphqlServer.length).toBeGreaterThanOrEqual(4);
    expect(attrs(graphqlServer[0]!)).toMatchObject({ 'http.route': '/graphql', 'http.request.method': 'POST' });
    const putServer = spans.find((s) => s.kind === SERVER && s.name === 'PUT /uploads/:token');
    expect(putServer).toBeDefined();
    expect(attrs(putServer!)).toMatchObject({ 'url.path': '/uploads/:token', 'http.response.status_code': 200 });
    const renditionServer = spans.find((s) => s.kind === SERVER && s.name.startsWith('GET /media/'));
    expect(renditionServer).toBeDefined();
    expect(String(attrs(renditionServer!)['url.query'])).toContain('signature=REDACTED');

    // GraphQL spans, under the HTTP server span of their request.
    expect(names).toEqual(expect.arrayContaining(['graphql.parse', 'graphql.validate']));
    const execute = spans.filter((s) => s.name.startsWith('query') || s.name.startsWith('mutation'));
    expect(execute.length).toBeGreaterThanOrEqual(3);
    const serverIds = new Set(graphqlServer.map((s) => s.traceId));
    expect(execute.every((s) => serverIds.has(s.traceId))).toBe(true);

    // Processing: the job and its worker task, in the trace of the PUT that started them.
    const job = spans.find((s) => s.name === 'image processing');
    expect(job).toBeDefined();
    expect(attrs(job!)).toMatchObject({
      'media.processing.kind': 'new',
      'media.provider': 'LOCAL',
      'media.outcome': 'ok',
    });
    expect(job!.traceId).toBe(putServer!.traceId);
    const render = spans.find((s) => s.name === 'image task render');
    expect(render).toBeDefined();
    expect(attrs(render!)).toMatchObject({ 'media.processing.kind': 'render', 'media.outcome': 'ok' });
    expect(render!.parentSpanId).toBe(job!.spanId);
    const renditionTask = spans.find((s) => s.name === 'image task rendition');
    expect(renditionTask?.traceId).toBe(renditionServer!.traceId);

    // The provider call: one span per operation, named by its path template.
    const providerSpan = spans.find(
      (s) => s.name === 'provider KELVIQ PATCH /catalog/products/{product_pk}/image/{pk}/',
    );
    expect(providerSpan).toBeDefined();
    expect(attrs(providerSpan!)).toMatchObject({
      'media.provider': 'KELVIQ',
      'media.provider.operation': 'PATCH /catalog/products/{product_pk}/image/{pk}/',
      'media.provider.attempts': 1,
      'media.provider.http_status': 200,
      'media.outcome': 'ok',
    });

    // No secret anywhere: not in names, not in attributes.
    const everything = JSON.stringify(receiver.requests);
    for (const secret of [token, absoluteToken, signature, SIGNING_SECRET, CREDENTIALS.kelviqKey]) {
      expect(everything).not.toContain(secret);
    }
    // No ids in span names.
    for (const id of [productId, kelviqProduct, stored.id]) expect(names.join('\n')).not.toContain(id);
  }, 90_000);
});

describe('Apollo inline traces without OpenTelemetry', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it('answers ftv1 to a router that asks for it, and nothing to a client that does not', async () => {
    const query = '{ productMedia(productId: "ftv1-product") { images { id } } }';
    const asked = await t.gql(query, undefined, { 'apollo-federation-include-trace': 'ftv1' });
    expect(typeof (asked.body as { extensions?: { ftv1?: unknown } }).extensions?.ftv1).toBe('string');
    const plain = await t.gql(query);
    expect((plain.body as { extensions?: { ftv1?: unknown } }).extensions?.ftv1).toBeUndefined();
  });
});
