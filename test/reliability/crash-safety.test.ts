import { randomUUID } from 'node:crypto';
import {
  copyFolder,
  outlastQuickSweepGrace,
  QUICK_SWEEP_ENV,
  RESTART_SWEEPS_ALL,
  storedKeys,
} from '../backend/backend';
import { startChildServer } from '../helpers/child-server';
import { CONSISTENT, inspectStore, problemsOf } from '../helpers/integrity';
import {
  acknowledgements,
  endRound,
  expectAcknowledgedReady,
  lostAcknowledged,
  random,
  sleep,
  untilAcknowledged,
  workload,
  type Attempts,
} from '../helpers/crash-workload';
import { startTestServer, tempDataDir, uploadImage } from '../helpers/server';
import { makeImage } from '../helpers/images';

describe('crash safety', () => {
  it('SIGKILL at random moments during uploads and thumbnail changes loses nothing acknowledged and leaves nothing behind', async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
    const next = random(seed);
    const dataDir = tempDataDir();
    // On a shared store (PostgreSQL + S3) the restarted process sweeps leftovers older than a short grace.
    const env = { MEDIA_DATA_DIR: dataDir, ...QUICK_SWEEP_ENV };
    const attempts: Attempts = new Map();
    let acknowledged = 0;

    for (let round = 0; round < 6; round += 1) {
      const child = await startChildServer(env);
      // The start-up sweep has run: nothing acknowledged is lost or half-stored. On a shared store, leftovers of
      // the kill a moment ago are younger than the grace and stay for a later sweep (checked at the end).
      const report = await inspectStore(dataDir);
      const problems = problemsOf(report);
      if (!RESTART_SWEEPS_ALL) problems.orphans = problems.temporary = [];
      expect({ seed, round, ...problems, lost: lostAcknowledged(attempts, report) }).toEqual({
        seed,
        round,
        ...CONSISTENT,
        lost: [],
      });

      let running = true;
      const clients = Array.from({ length: 6 }, () => workload(child.url, attempts, next, () => running));
      // Each round does some work before its kill (at least 3 acknowledgements, however fast the store is), then
      // the kill comes at a random moment.
      await untilAcknowledged(attempts, acknowledgements(attempts) + 3, 10_000);
      await sleep(next() * 1200);
      await child.kill('SIGKILL');
      running = false;
      await Promise.all(clients);
      endRound(attempts);
      acknowledged = acknowledgements(attempts);
    }

    await outlastQuickSweepGrace();
    const child = await startChildServer(env);
    try {
      const report = await inspectStore(dataDir);
      expect({ seed, ...problemsOf(report), lost: lostAcknowledged(attempts, report) }).toEqual({
        seed,
        ...CONSISTENT,
        lost: [],
      });
      // The run exercised something: many uploads were acknowledged and some were cut off by the kills.
      expect(acknowledged).toBeGreaterThanOrEqual(18);
      expect([...attempts.values()].flat().some((a) => a.acknowledgedAt === undefined)).toBe(true);
      await expectAcknowledgedReady(child.url, attempts);
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

    await outlastQuickSweepGrace();
    const second = await startTestServer(QUICK_SWEEP_ENV, first.dataDir);
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
