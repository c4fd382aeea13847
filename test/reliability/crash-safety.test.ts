import { createHash, randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { copyFolder, storedKeys } from '../backend/backend';
import { startChildServer } from '../helpers/child-server';
import { CONSISTENT, inspectStore, problemsOf, type StoreReport } from '../helpers/integrity';
import {
  graphqlClient,
  putBytes,
  REQUEST_FILE_UPLOAD,
  REQUEST_IMAGE_UPLOAD,
  SET_THUMBNAIL,
  startTestServer,
  tempDataDir,
  UPDATE_IMAGE,
  uploadImage,
} from '../helpers/server';
import { makeImage } from '../helpers/images';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A small deterministic generator, so a failing run can be replayed from the seed it prints. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Every set of bytes sent for one image or file: when the request started,
 * when it was acknowledged (undefined: never, as far as the client knows), and
 * the latest moment it can have taken effect (its acknowledgement, else the
 * kill that ended its round). Times are ticks of one counter shared by all clients.
 */
type Attempt = { sha: string; started: number; acknowledgedAt?: number; ended?: number };
type Attempts = Map<string, Attempt[]>;
let clock = 0;

function attempt(attempts: Attempts, id: string, sha: string) {
  const entry: Attempt = { sha, started: ++clock };
  attempts.set(id, [...(attempts.get(id) ?? []), entry]);
  return { acknowledge: () => (entry.acknowledgedAt = entry.ended = ++clock) };
}

/** After a kill: nothing still in flight can take effect any more. */
function endRound(attempts: Attempts) {
  const killedAt = ++clock;
  for (const tries of attempts.values()) for (const t of tries) t.ended ??= killedAt;
}

/** Clients doing what clients do (uploads, replacements, thumbnails, files) until the server dies under them. */
async function workload(url: string, attempts: Attempts, next: () => number, running: () => boolean) {
  const gql = graphqlClient(url);
  const images = () =>
    [...attempts.entries()].filter(
      ([id, a]) => id.includes('ProductImage') && a.some((x) => x.acknowledgedAt !== undefined),
    );
  while (running()) {
    const roll = next();
    const product = `crash-${Math.floor(next() * 3)}`;
    const bytes = await sharp({
      create: {
        width: 40 + Math.floor(next() * 400),
        height: 40 + Math.floor(next() * 400),
        channels: 3,
        background: { r: Math.floor(next() * 256), g: Math.floor(next() * 256), b: Math.floor(next() * 256) },
      },
    })
      .png()
      .toBuffer();
    try {
      if (roll < 0.45 || images().length === 0) {
        const res = await gql(REQUEST_IMAGE_UPLOAD, { input: { productId: product, contentType: 'image/png' } });
        const { image, upload } = res.body.data.requestImageUpload;
        const entry = attempt(attempts, image.id, sha256(bytes));
        if ((await putBytes(upload, bytes)).status === 200) entry.acknowledge();
      } else if (roll < 0.65) {
        const [id] = images()[Math.floor(next() * images().length)]!;
        const form = new FormData();
        form.append('operations', JSON.stringify({ query: UPDATE_IMAGE, variables: { input: { id, file: null } } }));
        form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
        form.append('0', new Blob([bytes]), 'photo.png');
        const entry = attempt(attempts, id, sha256(bytes));
        const res = await fetch(`${url}/graphql`, {
          method: 'POST',
          body: form,
          headers: { 'apollo-require-preflight': 'true' },
        });
        const body = (await res.json()) as { data?: { updateImage: { userErrors: unknown[] } } };
        if (body.data?.updateImage.userErrors.length === 0) entry.acknowledge();
      } else if (roll < 0.9) {
        const [id] = images()[Math.floor(next() * images().length)]!;
        await gql(SET_THUMBNAIL, { imageId: id });
      } else {
        const res = await gql(REQUEST_FILE_UPLOAD, { input: { productId: product, fileName: 'manual.bin' } });
        const { file, upload } = res.body.data.requestFileUpload;
        const entry = attempt(attempts, file.id, sha256(bytes));
        if ((await putBytes(upload, bytes)).status === 200) entry.acknowledge();
      }
    } catch {
      // The server was killed mid-request: expected, and whatever it acknowledged before is checked later.
    }
  }
}

/**
 * Each acknowledged image or file still holds bytes it may hold: those of an
 * attempt that no acknowledged attempt started after the end of. Two clients
 * replacing one image race and the last to commit wins, so the last
 * acknowledged attempt is not the only answer; but bytes acknowledged (or cut
 * off by a kill) before another acknowledged upload even started are gone.
 */
function lostAcknowledged(attempts: Attempts, report: StoreReport): string[] {
  const lost: string[] = [];
  for (const [id, tries] of attempts) {
    const acknowledged = tries.filter((t) => t.acknowledgedAt !== undefined);
    if (acknowledged.length === 0) continue;
    const possible = tries.filter((t) => !acknowledged.some((later) => later.started > t.ended!));
    if (!possible.map((t) => t.sha).includes(report.shaById.get(id) ?? 'none')) lost.push(id);
  }
  return lost;
}

describe('crash safety', () => {
  it('SIGKILL at random moments during uploads and thumbnail changes loses nothing acknowledged and leaves nothing behind', async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
    const next = random(seed);
    const dataDir = tempDataDir();
    // On a shared store (PostgreSQL + S3) the restarted process is alone: it may sweep every leftover at once.
    const env = { MEDIA_DATA_DIR: dataDir, MEDIA_LEFTOVER_GRACE_SECONDS: '0' };
    const attempts: Attempts = new Map();
    let acknowledged = 0;

    for (let round = 0; round < 6; round += 1) {
      const child = await startChildServer(env);
      // The start-up sweep has run: the store must be whole before new work begins.
      const report = await inspectStore(dataDir);
      expect({ seed, round, ...problemsOf(report), lost: lostAcknowledged(attempts, report) }).toEqual({
        seed,
        round,
        ...CONSISTENT,
        lost: [],
      });

      let running = true;
      const clients = Array.from({ length: 6 }, () => workload(child.url, attempts, next, () => running));
      await sleep(300 + next() * 1200);
      await child.kill('SIGKILL');
      running = false;
      await Promise.all(clients);
      endRound(attempts);
      acknowledged = [...attempts.values()].flat().filter((a) => a.acknowledgedAt !== undefined).length;
    }

    const child = await startChildServer(env);
    try {
      const report = await inspectStore(dataDir);
      expect({ seed, ...problemsOf(report), lost: lostAcknowledged(attempts, report) }).toEqual({
        seed,
        ...CONSISTENT,
        lost: [],
      });
      // The run exercised something: many uploads were acknowledged and some were cut off by the kills.
      expect(acknowledged).toBeGreaterThan(20);
      expect([...attempts.values()].flat().some((a) => a.acknowledgedAt === undefined)).toBe(true);
      // Every acknowledged image is still served.
      const gql = graphqlClient(child.url);
      for (const [id, tries] of attempts) {
        if (!id.includes('ProductImage') || !tries.some((t) => t.acknowledgedAt !== undefined)) continue;
        const read = await gql(`query($id: ID!) { productImage(id: $id) { status url } }`, { id });
        expect(read.body.data.productImage.status).toBe('READY');
      }
    } finally {
      await child.kill('SIGKILL');
    }
  }, 120_000);

  it('removes, at start-up, a revision folder no row names (a crash between publishing it and its commit)', async () => {
    const first = await startTestServer();
    const id = await uploadImage(first, 'orphan', await makeImage(20, 20));
    const revision = (await first.server.index.getImage(id))!.blobKey!;
    const orphan = `images/${id.split('/').pop()!}/${randomUUID()}`;
    await copyFolder(first.server.storage, revision, orphan);
    await first.stop();
    expect(problemsOf(await inspectStore(first.dataDir)).orphans).toEqual([orphan]);

    const second = await startTestServer({ MEDIA_LEFTOVER_GRACE_SECONDS: '0' }, first.dataDir);
    try {
      expect(await storedKeys(first.dataDir, orphan)).toEqual([]);
      expect(problemsOf(await inspectStore(first.dataDir))).toEqual(CONSISTENT);
      const read = await second.gql(`query($id: ID!) { productImage(id: $id) { url } }`, { id });
      expect((await fetch(read.body.data.productImage.url)).status).toBe(200);
    } finally {
      await second.stop();
    }
  });
});
