import sharp from 'sharp';
import { sniffContentType } from '../../src/domain/content-type';
import { makeImage } from '../helpers/images';
import { putBytes, requestImage, startTestServer, type TestServer } from '../helpers/server';

/** An ISO-BMFF file with its `ftyp` box rewritten: `major` brand and `compatible` brands, the rest kept. */
function withBrands(file: Buffer, major: string, compatible: string[]): Buffer {
  const oldSize = file.readUInt32BE(0);
  const box = Buffer.alloc(16 + 4 * compatible.length);
  box.writeUInt32BE(box.length, 0);
  box.write('ftyp', 4, 'latin1');
  box.write(major, 8, 'latin1');
  compatible.forEach((brand, i) => box.write(brand, 16 + 4 * i, 'latin1'));
  const rest = file.subarray(oldSize);
  // Offsets inside `meta` (iloc) are absolute: keep the file's length before them unchanged by padding with a free box.
  const padding = oldSize - box.length;
  if (padding < 0) throw new Error('the new ftyp box is longer than the old one');
  const free = Buffer.alloc(padding);
  if (padding > 0) {
    free.writeUInt32BE(padding, 0);
    free.write('free', 4, 'latin1');
  }
  return Buffer.concat([box, free, rest]);
}

describe('types are decided from the bytes, ISO-BMFF brands included (issue 14, item 3)', () => {
  let t: TestServer;
  let avif: Buffer;
  beforeAll(async () => {
    t = await startTestServer();
    avif = await sharp(await makeImage(24, 16))
      .avif()
      .toBuffer();
  });
  afterAll(() => t.stop());

  it.each<[string, () => Promise<Buffer>, string | undefined]>([
    ['png', () => makeImage(4, 4, 'png'), 'image/png'],
    ['jpeg', () => makeImage(4, 4, 'jpeg'), 'image/jpeg'],
    ['gif', () => makeImage(4, 4, 'gif'), 'image/gif'],
    ['webp', () => makeImage(4, 4, 'webp'), 'image/webp'],
    ['tiff', () => makeImage(4, 4, 'tiff'), 'image/tiff'],
    [
      'avif (major brand avif)',
      () =>
        sharp(Buffer.alloc(48, 90), { raw: { width: 4, height: 4, channels: 3 } })
          .avif()
          .toBuffer(),
      'image/avif',
    ],
    ['pdf', () => Promise.resolve(Buffer.from('%PDF-1.7\n')), 'application/pdf'],
    ['svg', () => Promise.resolve(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')), 'image/svg+xml'],
    ['text', () => Promise.resolve(Buffer.from('just text')), undefined],
  ])('%s', async (_, make, type) => {
    expect(sniffContentType(await make())).toBe(type);
  });

  it('an AVIS (image sequence) brand is detected as AVIF', () => {
    expect(sniffContentType(withBrands(avif, 'msf1', ['msf1', 'avis']))).toBe('image/avif');
  });

  it.each([
    ['mif1', ['mif1', 'avif', 'miaf']],
    ['mif1', ['miaf', 'mif1', 'avif']],
  ])('an AVIF with major brand %s and compatible %j is AVIF, and is accepted', async (major, compatible) => {
    const bytes = withBrands(avif, major, compatible);
    expect(sniffContentType(bytes)).toBe('image/avif');
    const { upload } = await requestImage(t, { productId: 'avif-brands' });
    const res = await putBytes(upload, bytes);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('READY');
  });

  it.each([
    ['heic', ['mif1', 'heic']],
    ['mif1', ['mif1', 'heic', 'miaf']],
    ['heix', ['heix']],
    ['msf1', ['msf1', 'hevc']],
  ])('a HEIC (major brand %s, compatible %j) stays refused with 415', async (major, compatible) => {
    const bytes = withBrands(avif, major, compatible);
    expect(sniffContentType(bytes)).toBe('image/heic');
    const { upload } = await requestImage(t, { productId: 'heic' });
    const res = await putBytes(upload, bytes);
    expect(res.status).toBe(415);
    expect(res.body.error.message).toMatch(/image\/heic/);
  });

  it('an MP4 stays a video', () => {
    const ftyp = Buffer.alloc(24);
    ftyp.writeUInt32BE(24, 0);
    ftyp.write('ftypisom', 4, 'latin1');
    ftyp.write('isommp41', 16, 'latin1');
    expect(sniffContentType(ftyp)).toBe('video/mp4');
  });
});
