import { makeImage } from '../helpers/images';
import { trickle } from '../helpers/raw-http';
import { putBytes, requestImage, startTestServer, type TestServer } from '../helpers/server';

describe('slow clients cannot hold a connection', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ MEDIA_HTTP_HEADERS_TIMEOUT_MS: '1000', MEDIA_HTTP_REQUEST_TIMEOUT_MS: '2000' });
  });
  afterAll(() => t.stop());

  it('closes a connection whose headers arrive one byte at a time, at the headers timeout', async () => {
    const head = Buffer.from(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'a'.repeat(200)}\r\n\r\n`);
    // 100 ms a byte: the whole head would take about 25 s.
    const res = await trickle(t.url, head, 100);
    expect(res.closedByServer).toBe(true);
    expect(res.bytesSent).toBeLessThan(head.length / 2);
    expect(res.answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes an upload whose body arrives one byte at a time, at the request timeout, storing nothing', async () => {
    const bytes = await makeImage(20, 20);
    const { image, upload } = await requestImage(t, { productId: 'slow' });
    const { pathname } = new URL(upload.url);
    const head = `PUT ${pathname} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${bytes.length}\r\n\r\n`;
    // Headers at once, then the body at 10 bytes a second.
    const request = Buffer.concat([Buffer.from(head), bytes]);
    const res = await trickle(t.url, request, 100);
    expect(res.closedByServer).toBe(true);
    expect(res.bytesSent).toBeLessThan(request.length);
    const read = await t.gql(`query($id: ID!) { productImage(id: $id) { status } }`, { id: image.id });
    expect(read.body.data.productImage.status).toBe('AWAITING_UPLOAD');
    // The refused attempt gave the token back: a client that sends properly can still use it.
    expect((await putBytes(upload, bytes)).status).toBe(200);
  });

  it('closes a GraphQL request whose body arrives one byte at a time', async () => {
    const body = JSON.stringify({ query: '{ mediaProviders { provider } }' }).padEnd(400, ' ');
    const request = Buffer.from(
      `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    const res = await trickle(t.url, request, 20);
    expect(res.closedByServer).toBe(true);
    expect(res.bytesSent).toBeLessThan(request.length);
  });
});
