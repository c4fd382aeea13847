import { requestImage, startTestServer } from './helpers/server';
import { makeImage } from './helpers/images';

describe('clean shutdown', () => {
  it('finishes an in-flight upload, then refuses new connections and closes the database', async () => {
    const t = await startTestServer();
    const { image, upload } = await requestImage(t, { productId: 'shutdown-1' });
    const bytes = await makeImage(64, 64);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The body arrives in two parts with a pause between, so the upload is in flight when stop() is called.
    const body = new ReadableStream({
      async start(controller) {
        controller.enqueue(bytes.subarray(0, 100));
        await held;
        controller.enqueue(bytes.subarray(100));
        controller.close();
      },
    });
    const inFlight = fetch(upload.url, { method: 'PUT', body, duplex: 'half' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stopped = t.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: image.id, status: 'READY' });
    await stopped;
    await expect(fetch(`${t.url}/healthz`)).rejects.toThrow();

    // The upload acknowledged during shutdown is there after a restart.
    const again = await startTestServer({}, t.dataDir);
    try {
      const q = await again.gql(`query($id: ID!) { productImage(id: $id) { status width } }`, { id: image.id });
      expect(q.body.data.productImage).toEqual({ status: 'READY', width: 64 });
    } finally {
      await again.stop();
    }
  });
});
