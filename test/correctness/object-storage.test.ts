import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { objectHeaders } from '../../src/providers/local/layout';
import { ObjectMissing } from '../../src/store/object-storage';
import type { Store } from '../../src/store/open-store';
import { withStore } from '../backend/backend';
import { tempDataDir } from '../helpers/server';

/** The object storage of the suite's backend (a folder, or the S3 bucket), through its interface. */
const onStorage = <T>(fn: (storage: Store['storage']) => Promise<T>) =>
  withStore(tempDataDir(), ({ storage }) => fn(storage));

async function staged(files: Record<string, string>, storage: Store['storage'], near: string) {
  const staging = await storage.localTempPath(near);
  mkdirSync(staging, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(staging, name), text);
  return staging;
}

async function keysUnder(storage: Store['storage'], prefix: string) {
  const keys: string[] = [];
  for await (const object of storage.list(prefix)) keys.push(object.key);
  return keys.sort();
}

async function text(stream: AsyncIterable<Buffer>) {
  let out = '';
  for await (const chunk of stream) out += chunk.toString();
  return out;
}

describe('object storage', () => {
  it('publishes a staged folder whole, reads it back (and byte ranges of it), lists and removes it', () =>
    onStorage(async (storage) => {
      const staging = await staged({ 'original.png': 'abcdefghij', 'source.png': 'raw' }, storage, 'images/x');
      await storage.publishFolder(staging, 'images/x/rev1', objectHeaders);
      expect(await keysUnder(storage, 'images/x')).toEqual(['images/x/rev1/original.png', 'images/x/rev1/source.png']);
      expect(await storage.stat('images/x/rev1/original.png')).toMatchObject({ size: 10 });
      expect(await text(await storage.read('images/x/rev1/original.png'))).toBe('abcdefghij');
      expect(await text(await storage.read('images/x/rev1/original.png', { start: 2, end: 4 }))).toBe('cde');
      await storage.removeFolder('images/x/rev1');
      expect(await keysUnder(storage, 'images/x')).toEqual([]);
      expect(await storage.stat('images/x/rev1/original.png')).toBeUndefined();
    }));

  it('refuses to publish an empty or unreadable staging folder, and publishes nothing', () =>
    onStorage(async (storage) => {
      const empty = await staged({}, storage, 'files/y');
      await expect(storage.publishFolder(empty, 'files/y/rev1', objectHeaders)).rejects.toThrow(/Nothing to publish/);
      const gone = path.join(mkdtempSync(path.join(os.tmpdir(), 'no-staging-')), 'missing');
      await expect(storage.publishFolder(gone, 'files/y/rev2', objectHeaders)).rejects.toThrow();
      expect(await keysUnder(storage, 'files/y')).toEqual([]);
    }));

  it('reports a read of a missing object as ObjectMissing (the media routes answer 404)', () =>
    onStorage(async (storage) => {
      await expect(storage.read('images/none/rev/original.png')).rejects.toBeInstanceOf(ObjectMissing);
    }));
});
