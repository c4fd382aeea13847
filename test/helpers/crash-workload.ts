import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { StoreReport } from './integrity';
import {
  graphqlClient,
  putBytes,
  REQUEST_FILE_UPLOAD,
  REQUEST_IMAGE_UPLOAD,
  SET_THUMBNAIL,
  UPDATE_IMAGE,
} from './server';

/*
 * The crash tests' workload and its judge, shared by the one-process crash
 * test and the replica test: clients upload, replace, pick thumbnails and add
 * files while a server is killed under them; afterwards nothing acknowledged
 * may be lost.
 */

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A small deterministic generator, so a failing run can be replayed from the seed it prints. */
export function random(seed: number) {
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
export type Attempt = { sha: string; started: number; acknowledgedAt?: number; ended?: number };
export type Attempts = Map<string, Attempt[]>;
let clock = 0;

export function attempt(attempts: Attempts, id: string, sha: string) {
  const entry: Attempt = { sha, started: ++clock };
  attempts.set(id, [...(attempts.get(id) ?? []), entry]);
  return { acknowledge: () => (entry.acknowledgedAt = entry.ended = ++clock) };
}

/** After a kill: nothing still in flight can take effect any more. */
/** How many uploads were acknowledged so far. */
export function acknowledgements(attempts: Attempts): number {
  return [...attempts.values()].flat().filter((a) => a.acknowledgedAt !== undefined).length;
}

/** Waits until `count` uploads were acknowledged (however slow the machine is), or `timeoutMs` passed. */
export async function untilAcknowledged(attempts: Attempts, count: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (acknowledgements(attempts) < count && Date.now() < deadline) await sleep(25);
}

export function endRound(attempts: Attempts) {
  const killedAt = ++clock;
  for (const tries of attempts.values()) for (const t of tries) t.ended ??= killedAt;
}

/** Clients doing what clients do (uploads, replacements, thumbnails, files) until the server dies under them. */
export async function workload(url: string, attempts: Attempts, next: () => number, running: () => boolean) {
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
export function lostAcknowledged(attempts: Attempts, report: StoreReport): string[] {
  const lost: string[] = [];
  for (const [id, tries] of attempts) {
    const acknowledged = tries.filter((t) => t.acknowledgedAt !== undefined);
    if (acknowledged.length === 0) continue;
    const possible = tries.filter((t) => !acknowledged.some((later) => later.started > t.ended!));
    if (!possible.map((t) => t.sha).includes(report.shaById.get(id) ?? 'none')) lost.push(id);
  }
  return lost;
}

/** Every image an upload of which was acknowledged is READY on the subgraph at `url`. */
export async function expectAcknowledgedReady(url: string, attempts: Attempts): Promise<void> {
  const gql = graphqlClient(url);
  for (const [id, tries] of attempts) {
    if (!id.includes('ProductImage') || !tries.some((t) => t.acknowledgedAt !== undefined)) continue;
    const read = await gql(`query($id: ID!) { productImage(id: $id) { status url } }`, { id });
    expect({ id, status: read.body.data.productImage?.status }).toEqual({ id, status: 'READY' });
  }
}
