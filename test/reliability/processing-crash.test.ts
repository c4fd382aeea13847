import { BACKEND, queryIndex, RESTART_SWEEPS_ALL, storedKeys, withStore } from '../backend/backend';
import { startChildServer } from '../helpers/child-server';
import { sleep } from '../helpers/crash-workload';
import { makeNoisyImage } from '../helpers/images';
import { CONSISTENT, inspectStore, problemsOf } from '../helpers/integrity';
import {
  graphqlClient,
  putBytes,
  requestImage,
  startTestServer,
  tempDataDir,
  type TestServer,
} from '../helpers/server';

/**
 * Processing interrupted by a crash is resumed after the restart (contract
 * section 7), once: on a shared store two replicas start together and each
 * image is taken up by one of them.
 */
const ENV = {
  MEDIA_PROCESSING_WAIT_MS: '0',
  // One at a time, so the later images are surely still waiting when the kill comes.
  MEDIA_PROCESSING_CONCURRENCY: '1',
  MEDIA_PROCESSING_LEASE_SECONDS: '2',
};

let made: Promise<Buffer> | undefined;
/** A photo-sized JPEG, made once: rendering it takes long enough that later uploads wait for a worker. */
const photo = () => (made ??= makeNoisyImage(1600, 1200));

async function statusesOf(t: TestServer, ids: string[]): Promise<string[]> {
  return Promise.all(
    ids.map(async (id) => {
      const res = await t.gql(`query($id: ID!) { productImage(id: $id) { status } }`, { id });
      return res.body.data.productImage.status as string;
    }),
  );
}

describe('a kill during processing', () => {
  it('is resumed after the restart, each image by one process once, and every image ends READY', async () => {
    const dataDir = tempDataDir();
    const child = await startChildServer({ MEDIA_DATA_DIR: dataDir, ...ENV });
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const { image, upload } = await requestImage({ gql: graphqlClient(child.url) }, { productId: 'crash-proc' });
      const put = await putBytes(upload, await photo());
      expect(put.body).toEqual({ id: image.id, status: 'PROCESSING' });
      ids.push(image.id as string);
    }
    await child.kill('SIGKILL');

    const pending = (
      await queryIndex<{ id: string }>(dataDir, 'SELECT id FROM images WHERE pending_revision IS NOT NULL')
    )
      .map((row) => row.id)
      .sort();
    expect(pending).toContain(ids[2]);

    const servers =
      BACKEND === 'postgres-s3'
        ? await Promise.all([startTestServer(ENV, dataDir), startTestServer(ENV, dataDir)])
        : [await startTestServer(ENV, dataDir)];
    try {
      const deadline = Date.now() + 90_000;
      while ((await statusesOf(servers[0]!, ids)).some((status) => status !== 'READY')) {
        expect(Date.now()).toBeLessThan(deadline);
        await sleep(200);
      }
      await Promise.all(servers.map((s) => s.server.processing.idle()));
      const logged = (msg: string) =>
        servers
          .flatMap((s) =>
            s
              .logs()
              .filter((line) => line.msg === msg)
              .map((line) => line.imageId as string),
          )
          .sort();
      expect(logged('image processing resumed')).toEqual(pending);
      expect(logged('image processed')).toEqual(pending);

      const problems = problemsOf(await inspectStore(dataDir));
      // On a shared store, the killed process's scratch files are left for a later sweep (crash-safety checks it).
      if (!RESTART_SWEEPS_ALL) problems.temporary = [];
      expect(problems).toEqual(CONSISTENT);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  }, 180_000);

  it('a shutdown during processing records no failure; the next start finishes the work', async () => {
    const dataDir = tempDataDir();
    const first = await startTestServer(ENV, dataDir);
    const ids: string[] = [];
    for (let i = 0; i < 2; i += 1) {
      const { image, upload } = await requestImage(first, { productId: 'stop-proc' });
      expect((await putBytes(upload, await photo())).body.status).toBe('PROCESSING');
      ids.push(image.id as string);
    }
    await first.stop();
    const rows = await queryIndex<{ id: string; status: string; failure_reason: string | null; owner: string | null }>(
      dataDir,
      `SELECT id, status, failure_reason, processing_owner AS owner FROM images WHERE pending_revision IS NOT NULL`,
    );
    // The second waited behind the first (one at a time): it is still waiting, unfailed, and given up for any
    // replica to take at once.
    expect(rows.map((row) => row.id)).toContain(ids[1]);
    for (const row of rows) expect(row).toMatchObject({ status: 'PROCESSING', failure_reason: null, owner: null });

    const second = await startTestServer(ENV, dataDir);
    try {
      const deadline = Date.now() + 60_000;
      while ((await statusesOf(second, ids)).some((status) => status !== 'READY')) {
        expect(Date.now()).toBeLessThan(deadline);
        await sleep(200);
      }
      const resumed = second.logs().filter((line) => line.msg === 'image processing resumed');
      expect(resumed.map((line) => line.imageId as string).sort()).toEqual(rows.map((row) => row.id).sort());
    } finally {
      await second.stop();
    }
  }, 120_000);

  it('stop() ends the running work: nothing is written to storage after it', async () => {
    const dataDir = tempDataDir();
    const t = await startTestServer(ENV, dataDir);
    const { image, upload } = await requestImage(t, { productId: 'stop-writes' });
    expect((await putBytes(upload, await makeNoisyImage(2400, 1600))).body.status).toBe('PROCESSING');
    const served = `images/${(image.id as string).split('/').pop()}`;
    await t.stop();
    const atStop = await storedKeys(dataDir, served);
    await sleep(3000);
    expect(await storedKeys(dataDir, served)).toEqual(atStop);
  }, 60_000);

  it('an image whose stored bytes are gone ends FAILED with the reason, instead of being tried forever', async () => {
    const dataDir = tempDataDir();
    const first = await startTestServer(ENV, dataDir);
    // The second waits behind the first (one at a time), so it is surely unprocessed at the stop.
    let image = { id: '' };
    for (let i = 0; i < 2; i += 1) {
      const requested = await requestImage(first, { productId: 'lost-source' });
      expect((await putBytes(requested.upload, await photo())).body.status).toBe('PROCESSING');
      image = requested.image as { id: string };
    }
    await first.stop();
    const sources = await storedKeys(dataDir, `sources/${image.id.split('/').pop()}`);
    expect(sources).toHaveLength(1);
    await withStore(dataDir, ({ storage }) => storage.removeFolder(sources[0]!.split('/').slice(0, 3).join('/')));

    const second = await startTestServer(ENV, dataDir);
    try {
      const deadline = Date.now() + 30_000;
      while ((await statusesOf(second, [image.id]))[0] !== 'FAILED') {
        expect(Date.now()).toBeLessThan(deadline);
        await sleep(200);
      }
      const res = await second.gql(`query($id: ID!) { productImage(id: $id) { failureReason } }`, { id: image.id });
      expect(res.body.data.productImage.failureReason).toMatch(/no longer in storage/);
    } finally {
      await second.stop();
    }
  }, 60_000);
});
