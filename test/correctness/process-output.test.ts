import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { startChildServer, type ChildServer } from '../helpers/child-server';
import { graphqlClient, putBytes, REQUEST_FILE_UPLOAD, tempDataDir } from '../helpers/server';

/** Every line the process writes is a structured pino line; a client going away is not an error (issue 14, item 5). */
describe('the process output is the log', () => {
  let child: ChildServer;
  let stdout = '';
  beforeAll(async () => {
    child = await startChildServer({ MEDIA_DATA_DIR: tempDataDir(), LOG_LEVEL: 'debug' });
    child.process.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  });
  afterAll(() => child.kill());

  it('a client hanging up mid-download writes nothing to stderr and no error line', async () => {
    const gql = graphqlClient(child.url);
    const requested = await gql(REQUEST_FILE_UPLOAD, { input: { productId: 'hangup', fileName: 'big.bin' } });
    const bytes = randomBytes(8 * 1024 * 1024);
    expect((await putBytes(requested.body.data.requestFileUpload.upload, bytes)).status).toBe(200);
    const read = await gql(`query($id: ID!) { productFile(id: $id) { downloadUrl } }`, {
      id: requested.body.data.requestFileUpload.file.id,
    });
    const url = new URL(read.body.data.productFile.downloadUrl as string);
    await new Promise<void>((resolve) => {
      // A slow reader that leaves after the first chunk, while the server is still sending.
      const req = http.get(url, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => resolve());
    });
    await new Promise((resolve) => setTimeout(resolve, 800));
    // And a path that matches no route, and a method no route takes.
    await fetch(`${child.url}/nowhere`);
    await fetch(`${child.url}/media/images/x`, { method: 'DELETE' });
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(child.stderr()).toBe('');
    const lines = stdout.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    const parsed = lines.map((line) => JSON.parse(line) as { level: string; msg: string });
    expect(parsed.filter((line) => line.level === 'error' || line.level === 'fatal')).toEqual([]);
  });
});
