import http from 'node:http';
import { makeImage } from '../helpers/images';
import { scrape, total } from '../helpers/prometheus';
import {
  REQUEST_FILE_UPLOAD,
  startTestServer,
  updateImageWithFile,
  uploadImage,
  type TestServer,
} from '../helpers/server';

/**
 * Processing begun after the answer yields to uploads (contract section 7,
 * README "Processing"): it waits while the process receives a body, for at
 * most MEDIA_PROCESSING_YIELD_MS, and a revision replaced meanwhile is never
 * rendered. A file PUT kept open holds a body "being received" for as long as
 * a test needs.
 */

const STATUS = `query($id: ID!) { productImage(id: $id) { status width } }`;
const BODY_BYTES = 64 * 1024;

/** A PUT of a new file's bytes that sends its first kilobyte and then waits for `finish`. */
async function heldUpload(t: TestServer, productId: string) {
  const res = await t.gql(REQUEST_FILE_UPLOAD, {
    input: { productId, fileName: 'held.bin', contentType: 'application/octet-stream' },
  });
  const { upload } = res.body.data.requestFileUpload as {
    upload: { url: string; headers: { name: string; value: string }[] };
  };
  const headers = Object.fromEntries(upload.headers.map((h) => [h.name, h.value]));
  const req = http.request(upload.url, {
    method: 'PUT',
    headers: { ...headers, 'content-length': String(BODY_BYTES) },
  });
  const answered = new Promise<number>((resolve, reject) => {
    req.on('response', (r) => {
      r.resume();
      resolve(r.statusCode ?? 0);
    });
    req.on('error', reject);
  });
  req.write(Buffer.alloc(1024, 1));
  // The server counts the body once it reads it: wait for the gauge, not for time.
  for (let i = 0; (await receiving(t)) < 1; i++) {
    if (i > 200) throw new Error('the held upload never started being received');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return {
    finish: () => {
      req.end(Buffer.alloc(BODY_BYTES - 1024, 2));
      return answered;
    },
  };
}

async function receiving(t: TestServer): Promise<number> {
  return total(await scrape(t), 'media_uploads_receiving');
}

async function statusOf(t: TestServer, id: string) {
  return (await t.gql(STATUS, { id })).body.data.productImage as { status: string; width: number | null };
}

/** 'idle' if the background work ends within `ms`, else 'waiting'. */
function idleWithin(t: TestServer, ms: number): Promise<'idle' | 'waiting'> {
  return Promise.race([
    t.server.processing.idle().then(() => 'idle' as const),
    new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), ms)),
  ]);
}

async function renders(t: TestServer): Promise<number> {
  return total(await scrape(t), 'media_image_task_duration_seconds_count', { task: 'render' });
}

describe('processing after the answer, while uploads are being received', () => {
  let t: TestServer;
  beforeAll(
    async () => (t = await startTestServer({ MEDIA_PROCESSING_WAIT_MS: '0', MEDIA_PROCESSING_YIELD_MS: '60000' })),
  );
  afterAll(() => t.stop());

  it('waits until no body is being received, then makes the renditions', async () => {
    const held = await heldUpload(t, 'yield-1');
    const id = await uploadImage(t, 'yield-1', await makeImage(300, 200));
    expect(await statusOf(t, id)).toMatchObject({ status: 'PROCESSING' });
    // A 300x200 image renders in well under this; here nothing may start while the held body arrives.
    expect(await idleWithin(t, 1500)).toBe('waiting');
    expect(await statusOf(t, id)).toMatchObject({ status: 'PROCESSING' });

    expect(await held.finish()).toBe(200);
    await t.server.processing.idle();
    expect(await statusOf(t, id)).toEqual({ status: 'READY', width: 300 });
    expect(await receiving(t)).toBe(0);
  });

  it('renders only the last of several replacements made meanwhile', async () => {
    const id = await uploadImage(t, 'yield-2', await makeImage(120, 80));
    await t.server.processing.idle();
    const held = await heldUpload(t, 'yield-2');
    for (const width of [500, 400, 240]) {
      const res = await updateImageWithFile(t, { id }, await makeImage(width, 100));
      expect(((await res.json()) as any).data.updateImage.image.status).toBe('PROCESSING');
    }
    const before = await renders(t);

    expect(await held.finish()).toBe(200);
    await t.server.processing.idle();
    expect(await statusOf(t, id)).toEqual({ status: 'READY', width: 240 });
    expect((await renders(t)) - before).toBe(1);
  });
});

describe('MEDIA_PROCESSING_YIELD_MS bounds the wait', () => {
  let t: TestServer;
  beforeAll(
    async () => (t = await startTestServer({ MEDIA_PROCESSING_WAIT_MS: '0', MEDIA_PROCESSING_YIELD_MS: '200' })),
  );
  afterAll(() => t.stop());

  it('processes once the wait is over, though the body is still arriving', async () => {
    const held = await heldUpload(t, 'yield-3');
    const id = await uploadImage(t, 'yield-3', await makeImage(300, 200));
    await t.server.processing.idle();
    expect(await statusOf(t, id)).toEqual({ status: 'READY', width: 300 });
    expect(await receiving(t)).toBe(1);
    expect(await held.finish()).toBe(200);
  });
});
