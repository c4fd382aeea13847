// Scenario 1's ceiling: Node's own http server building the same JSON from
// memory, with no GraphQL at all.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Catalog } from '../lib/catalog';
import { serveControl } from '../lib/control';
import { absolute, MemoryCatalog, originalUrl } from '../lib/naive-resolvers';

const memory = new MemoryCatalog(JSON.parse(readFileSync(process.env.BENCH_CATALOG!, 'utf8')) as Catalog);

function product(id: string) {
  return {
    images: memory.images(id).map((image) => ({
      id: image.id,
      url: originalUrl(image),
      width: image.width,
      height: image.height,
      variants: image.variants.map((v) => ({ kind: v.kind, url: absolute(v.location) })),
    })),
    thumbnail: ((t) => (t ? { id: t.id } : null))(memory.thumbnail(id)),
    files: memory.files(id).map((f) => ({ id: f.id, fileName: f.fileName })),
  };
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      variables: { representations: { id: string }[] };
    };
    // Apollo Server ends its JSON with a newline; the same bytes make the bodies comparable.
    const body = `${JSON.stringify({ data: { _entities: request.variables.representations.map((r) => product(r.id)) } })}\n`;
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
});
server.keepAliveTimeout = 5_000;
server.listen(0, '127.0.0.1', () => {
  serveControl(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
