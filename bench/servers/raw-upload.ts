// Scenario 3's baseline: a raw request-to-file pipe (stream, fsync, rename),
// answering 200 with the byte count. BENCH_BUFFERED=1 makes it the counter-example:
// it holds the whole body in memory before writing, which the memory column must catch.
// BENCH_HASH=1 also hashes the bytes with SHA-256 on the way, as the subgraph must.
import { createHash } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { serveControl } from '../lib/control';

const dir = process.env.BENCH_UPLOAD_DIR!;
const buffered = process.env.BENCH_BUFFERED === '1';
const hashed = process.env.BENCH_HASH === '1';
let next = 0;

async function receive(req: http.IncomingMessage): Promise<{ bytes: number; name: string }> {
  const name = path.join(dir, `upload-${process.pid}-${next++}`);
  const temp = `${name}.part`;
  let bytes = 0;
  if (buffered) {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const whole = Buffer.concat(chunks);
    bytes = whole.length;
    const handle = await fs.open(temp, 'w');
    await handle.writeFile(whole);
    await handle.sync();
    await handle.close();
  } else {
    const out = createWriteStream(temp);
    const hash = hashed ? createHash('sha256') : undefined;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash?.update(chunk);
    });
    await pipeline(req, out);
    const handle = await fs.open(temp, 'r+');
    await handle.sync();
    await handle.close();
  }
  await fs.rename(temp, name);
  return { bytes, name };
}

const server = http.createServer((req, res) => {
  receive(req).then(
    ({ bytes, name }) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ bytes }));
      // Only the timing matters: free the disk once answered.
      void fs.rm(name, { force: true });
    },
    (err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    },
  );
});
server.requestTimeout = 0;
server.listen(0, '127.0.0.1', () => serveControl(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
