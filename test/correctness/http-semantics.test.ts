import { randomBytes } from 'node:crypto';
import { makeImage } from '../helpers/images';
import { putBytes, REQUEST_FILE_UPLOAD, startTestServer, uploadImage, type TestServer } from '../helpers/server';

/** RFC 9110 semantics for GET/HEAD on every served path (issue 14, item 4). */
let t: TestServer;
let imageUrl: string;
let etag: string;
let lastModified: string;
let fileUrl: string;
const file = randomBytes(5 * 1024 * 1024);

beforeAll(async () => {
  t = await startTestServer();
  const id = await uploadImage(t, 'http-semantics', await makeImage(64, 48));
  const read = await t.gql(`query($id: ID!) { productImage(id: $id) { url } }`, { id });
  imageUrl = read.body.data.productImage.url;
  const first = await fetch(imageUrl);
  etag = first.headers.get('etag')!;
  lastModified = first.headers.get('last-modified')!;
  const requested = await t.gql(REQUEST_FILE_UPLOAD, { input: { productId: 'http-semantics', fileName: 'big.bin' } });
  expect((await putBytes(requested.body.data.requestFileUpload.upload, file)).status).toBe(200);
  const fileRead = await t.gql(`query($id: ID!) { productFile(id: $id) { downloadUrl } }`, {
    id: requested.body.data.requestFileUpload.file.id,
  });
  fileUrl = fileRead.body.data.productFile.downloadUrl;
});
afterAll(() => t.stop());

/**
 * A revalidation as a browser sends it. (fetch adds `Cache-Control: no-cache`
 * to conditional requests of its own, which asks for a full answer, as a hard
 * reload does; `fresh` honours that.)
 */
const revalidate = (headers: Record<string, string>) => ({ headers: { 'cache-control': 'max-age=0', ...headers } });

describe('conditional requests', () => {
  it('has a strong ETag and Last-Modified', () => {
    expect(etag).toMatch(/^"[0-9a-f-]+-original"$/);
    expect(lastModified).toBeTruthy();
  });

  it.each([
    ['the exact tag', () => etag],
    ['the weak form', () => `W/${etag}`],
    ['a list holding it', () => `"something-else", ${etag}`],
    ['a list with spaces and a weak form', () => `"a" ,  W/${etag} , "b"`],
    ['*', () => '*'],
  ])('If-None-Match with %s answers 304 with no body', async (_, value) => {
    const res = await fetch(imageUrl, revalidate({ 'if-none-match': value() }));
    expect(res.status).toBe(304);
    expect((await res.arrayBuffer()).byteLength).toBe(0);
    expect(res.headers.get('etag')).toBe(etag);
  });

  it.each([
    ['If-Match naming another tag', { 'if-match': '"other"' }],
    ['If-Unmodified-Since before the last change', { 'if-unmodified-since': 'Mon, 01 Jan 2001 00:00:00 GMT' }],
  ])('%s answers a JSON 412, keeping CORS and dropping the media headers', async (_, headers) => {
    const res = await fetch(imageUrl, { headers: { origin: 'https://shop.example', ...headers } });
    expect(res.status).toBe(412);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(res.headers.get('etag')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('If-Match with its own tag answers 200', async () => {
    expect((await fetch(imageUrl, { headers: { 'if-match': etag } })).status).toBe(200);
  });

  it('If-None-Match with other tags answers 200', async () => {
    const res = await fetch(imageUrl, revalidate({ 'if-none-match': '"other", W/"again"' }));
    expect(res.status).toBe(200);
  });

  it('If-Modified-Since at or after Last-Modified answers 304; before it, 200', async () => {
    expect((await fetch(imageUrl, revalidate({ 'if-modified-since': lastModified }))).status).toBe(304);
    const earlier = new Date(Date.parse(lastModified) - 3600_000).toUTCString();
    expect((await fetch(imageUrl, revalidate({ 'if-modified-since': earlier }))).status).toBe(200);
    // A hard reload (no-cache) gets the full answer.
    expect((await fetch(imageUrl, { headers: { 'if-none-match': etag, 'cache-control': 'no-cache' } })).status).toBe(
      200,
    );
  });

  it('HEAD answers the headers of GET without a body', async () => {
    const get = await fetch(imageUrl);
    const head = await fetch(imageUrl, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(get.headers.get('content-length'));
    expect(head.headers.get('content-type')).toBe('image/png');
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });
});

describe('partial requests', () => {
  it('Range: bytes=0-99 on a download link answers 206 with those 100 bytes', async () => {
    const res = await fetch(fileUrl, { headers: { range: 'bytes=0-99' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 0-99/${file.length}`);
    expect(res.headers.get('content-length')).toBe('100');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(Buffer.from(await res.arrayBuffer()).equals(file.subarray(0, 100))).toBe(true);
  });

  it('a suffix range and an open range resume a download', async () => {
    const tail = await fetch(fileUrl, { headers: { range: 'bytes=-10' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(file.subarray(file.length - 10))).toBe(true);
    const rest = await fetch(fileUrl, { headers: { range: `bytes=${file.length - 1000}-` } });
    expect(rest.status).toBe(206);
    expect(Buffer.from(await rest.arrayBuffer()).equals(file.subarray(file.length - 1000))).toBe(true);
  });

  it('an unsatisfiable range answers 416 with the size', async () => {
    const res = await fetch(fileUrl, { headers: { range: `bytes=${file.length + 10}-${file.length + 20}` } });
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe(`bytes */${file.length}`);
  });

  it('advertises Accept-Ranges on images and files', async () => {
    expect((await fetch(imageUrl)).headers.get('accept-ranges')).toBe('bytes');
    expect((await fetch(fileUrl)).headers.get('accept-ranges')).toBe('bytes');
  });
});

describe('errors are never cacheable as success', () => {
  it.each([
    ['a well-formed but missing rendition', () => imageUrl.replace('/original.png', '/standard.webp')],
    [
      'a revision that does not exist',
      () => imageUrl.replace(/\/[0-9a-f-]{36}\/original/, `/${crypto.randomUUID()}/original`),
    ],
    ['a malformed name', () => imageUrl.replace('/original.png', '/source.png')],
  ])('%s: 404 JSON, no-store, no media type', async (_, url) => {
    const res = await fetch(url(), { headers: { 'if-none-match': '*' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('etag')).toBeNull();
  });

  it('a path no route knows answers a JSON 404, not an HTML page', async () => {
    const res = await fetch(`${t.url}/nothing/here`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });
});
