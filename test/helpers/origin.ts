import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback origin serving fixed bytes at every path, for `sourceUrl` tests. */
export async function serveBytes(
  bytes: Uint8Array,
  contentType: string,
): Promise<{ url: string; hits: number; close(): Promise<void> }> {
  const origin = {
    url: '',
    hits: 0,
    close: () => Promise.resolve(),
  };
  const server = http.createServer((_req, res) => {
    origin.hits += 1;
    res.writeHead(200, { 'content-type': contentType, 'content-length': bytes.length });
    res.end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  origin.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return origin;
}
