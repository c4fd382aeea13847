import sharp from 'sharp';
import { makeImage } from '../helpers/images';
import { putBytes, requestImage, startTestServer, type TestServer } from '../helpers/server';

/**
 * Contract section 8: every image served, ORIGINAL included, shows the same
 * picture as the upload but carries no EXIF, XMP or IPTC and no bytes after
 * the image's own end; its ICC profile is kept or converted (issue 13, item 6).
 */
const SECRET_TEXT = ['Alice Photographer', 'SecretCam', 'TopSecretComment', 'xmp-author', 'iptc-byline'];

let t: TestServer;
beforeAll(async () => (t = await startTestServer()));
afterAll(() => t.stop());

/** Uploads `bytes` as a new LOCAL image and returns what the subgraph serves for each rendition. */
async function uploadAndFetch(bytes: Buffer) {
  const { image, upload } = await requestImage(t, { productId: 'served' });
  const put = await putBytes(upload, bytes);
  expect(put.status).toBe(200);
  const res = await t.gql(
    `query($id: ID!) { productImage(id: $id) { url byteSize width height variants { kind url } } }`,
    { id: image.id },
  );
  const read = res.body.data.productImage;
  const served = new Map<string, Buffer>();
  for (const variant of read.variants as { kind: string; url: string }[]) {
    served.set(variant.kind, Buffer.from(await (await fetch(variant.url)).arrayBuffer()));
  }
  return { read, served, original: served.get('ORIGINAL')! };
}

function expectNoSecrets(bytes: Buffer) {
  const text = bytes.toString('latin1');
  for (const secret of SECRET_TEXT) expect(text).not.toContain(secret);
}

/** The decoded pixels, orientation applied, for comparing pictures. */
const pixels = (bytes: Buffer) => sharp(bytes).rotate().raw().toBuffer();

/** A JPEG segment inserted right after SOI. */
function withSegment(jpeg: Buffer, marker: number, payload: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]);
  return Buffer.concat([jpeg.subarray(0, 2), head, payload, jpeg.subarray(2)]);
}

describe('what is served carries no metadata and nothing after the image', () => {
  it('JPEG: EXIF (GPS, camera, author), XMP, IPTC and comments go; the orientation, the ICC profile and the exact coded picture stay', async () => {
    let jpeg = await sharp({ create: { width: 60, height: 40, channels: 3, background: { r: 10, g: 120, b: 200 } } })
      .composite([{ input: await makeImage(20, 20), left: 5, top: 5 }])
      .withIccProfile('p3')
      .withExif({
        IFD0: { Make: 'SecretCam', Artist: 'Alice Photographer' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 8584/10000 0/1' },
      })
      .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>xmp-author</dc:creator></x:xmpmeta>')
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 80 })
      .toBuffer();
    jpeg = withSegment(jpeg, 0xed, Buffer.from('Photoshop 3.0\0iptc-byline', 'latin1'));
    jpeg = withSegment(jpeg, 0xfe, Buffer.from('TopSecretComment', 'latin1'));
    const uploaded = Buffer.concat([jpeg, Buffer.from('TopSecretComment after the end of the image')]);
    const before = await sharp(uploaded).metadata();
    expect(before.exif!.length).toBeGreaterThan(200);
    expect(before.orientation).toBe(6);

    const { read, served, original } = await uploadAndFetch(uploaded);
    for (const bytes of served.values()) expectNoSecrets(bytes);
    expect(original.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
    const meta = await sharp(original).metadata();
    expect(meta.orientation).toBe(6);
    // The orientation is the one EXIF tag left: no GPS, camera or author.
    expect(meta.exif!.length).toBeLessThan(64);
    expect(meta.icc?.length).toBeGreaterThan(0);
    expect(meta.xmp).toBeUndefined();
    expect(meta.iptc).toBeUndefined();
    // Rotated by its orientation, as the upload displays: 40 x 60.
    expect([read.width, read.height]).toEqual([40, 60]);
    // Lossless: the same decoded pixels as the upload, byte for byte.
    expect((await pixels(original)).equals(await pixels(jpeg))).toBe(true);
    expect(read.byteSize).toBe(original.length);
  });

  it('PNG: a 1x1 image followed by megabytes of other bytes is served as the 1x1 image alone; text chunks go', async () => {
    const png = await sharp({ create: { width: 1, height: 1, channels: 4, background: '#ff000080' } })
      .withExif({ IFD0: { Artist: 'Alice Photographer' } })
      .png()
      .toBuffer();
    const text = Buffer.concat([Buffer.from('Author\0', 'latin1'), Buffer.from('Alice Photographer')]);
    const chunk = Buffer.alloc(12 + text.length);
    chunk.writeUInt32BE(text.length, 0);
    chunk.write('tEXt', 4, 'latin1');
    text.copy(chunk, 8); // the CRC is not checked by decoders that skip ancillary chunks; the subgraph drops it anyway
    const iend = png.length - 12;
    const trailing = Buffer.alloc(2 * 1024 * 1024, 'SecretCam payload ');
    const uploaded = Buffer.concat([png.subarray(0, iend), chunk, png.subarray(iend), trailing]);

    const { original, served } = await uploadAndFetch(uploaded);
    for (const bytes of served.values()) expectNoSecrets(bytes);
    expect(original.length).toBeLessThan(png.length + 1);
    expect(original.subarray(-8, -4).toString('latin1')).toBe('IEND');
    expect((await pixels(original)).equals(await pixels(png))).toBe(true);
  });

  it('WebP: EXIF and XMP chunks go, the picture stays', async () => {
    const webp = await makeImage(30, 30, 'webp');
    const tagged = await sharp(webp)
      .withExif({ IFD0: { Artist: 'Alice Photographer', Make: 'SecretCam' } })
      .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>xmp-author</dc:creator></x:xmpmeta>')
      .webp({ lossless: true })
      .toBuffer();
    expect(tagged.toString('latin1')).toContain('Alice Photographer');
    const { original, served } = await uploadAndFetch(Buffer.concat([tagged, Buffer.from('SecretCam tail')]));
    for (const bytes of served.values()) expectNoSecrets(bytes);
    expect(original.readUInt32LE(4) + 8).toBe(original.length);
    expect((await pixels(original)).equals(await pixels(tagged))).toBe(true);
  });

  it('GIF: comment and XMP extensions go, the picture stays', async () => {
    const gif = await makeImage(12, 12, 'gif');
    const tableSize = gif[10]! & 0x80 ? 3 * 2 ** ((gif[10]! & 0x07) + 1) : 0;
    const at = 13 + tableSize;
    const comment = Buffer.from([0x21, 0xfe, 16, ...Buffer.from('TopSecretComment'), 0]);
    const xmpData = Buffer.from('xmp-author');
    const xmp = Buffer.from([0x21, 0xff, 11, ...Buffer.from('XMP DataXMP'), xmpData.length, ...xmpData, 0]);
    const uploaded = Buffer.concat([gif.subarray(0, at), comment, xmp, gif.subarray(at), Buffer.from('SecretCam')]);
    const { original, served } = await uploadAndFetch(uploaded);
    for (const bytes of served.values()) expectNoSecrets(bytes);
    expect(original[original.length - 1]).toBe(0x3b);
    expect((await pixels(original)).equals(await pixels(gif))).toBe(true);
  });

  it('TIFF: re-encoded from the one decode, trailing bytes gone, the same picture', async () => {
    const tiff = await sharp(await makeImage(25, 15))
      .tiff()
      .toBuffer();
    const { original, served, read } = await uploadAndFetch(Buffer.concat([tiff, Buffer.from('SecretCam tail')]));
    for (const bytes of served.values()) expectNoSecrets(bytes);
    expect([read.width, read.height]).toEqual([25, 15]);
    expect((await pixels(original)).equals(await pixels(tiff))).toBe(true);
  });

  it('data hidden inside kept JPEG segments goes: a JFXX thumbnail with its own EXIF, an APP0 or Adobe tail, a fake ICC profile', async () => {
    const jpeg = await makeImage(40, 30, 'jpeg');
    const thumbnail = await sharp(await makeImage(8, 8, 'jpeg'))
      .withExif({ IFD0: { Artist: 'Alice Photographer' } })
      .jpeg()
      .toBuffer();
    let uploaded = withSegment(jpeg, 0xe0, Buffer.concat([Buffer.from('JFXX\0\x10', 'latin1'), thumbnail]));
    uploaded = withSegment(
      uploaded,
      0xe0,
      Buffer.from('JFIF\0\x01\x01\x00\x00\x01\x00\x01\x00\x00SecretCam', 'latin1'),
    );
    uploaded = withSegment(uploaded, 0xee, Buffer.from('Adobe\0\x64\x00\x00\x00\x00\x01TopSecretComment', 'latin1'));
    uploaded = withSegment(uploaded, 0xe2, Buffer.from('ICC_PROFILE\0\x01\x01xmp-author', 'latin1'));
    const { original, served } = await uploadAndFetch(uploaded);
    for (const bytes of served.values()) expectNoSecrets(bytes);
    expect((await sharp(original).metadata()).exif).toBeUndefined();
    expect((await pixels(original)).equals(await pixels(jpeg))).toBe(true);
  });

  it('PNG, WebP and GIF are re-encoded: bytes after the zlib stream, extra chunks, sub-blocks or nested chunks go', async () => {
    const png = await makeImage(10, 10, 'png');
    // An extra IDAT after the image data, and a pHYs with bytes past its 9.
    const chunk = (type: string, data: Buffer) => {
      const out = Buffer.alloc(12 + data.length);
      out.writeUInt32BE(data.length, 0);
      out.write(type, 4, 'latin1');
      data.copy(out, 8);
      return out;
    };
    const iend = png.length - 12;
    const pngUploaded = Buffer.concat([
      png.subarray(0, 33),
      chunk('pHYs', Buffer.concat([Buffer.alloc(9), Buffer.from('SecretCam')])),
      png.subarray(33, iend),
      chunk('IDAT', Buffer.from('Alice Photographer')),
      png.subarray(iend),
    ]);
    const fromPng = await uploadAndFetch(pngUploaded);
    for (const bytes of fromPng.served.values()) expectNoSecrets(bytes);
    expect((await pixels(fromPng.original)).equals(await pixels(png))).toBe(true);

    const gif = await makeImage(12, 12, 'gif');
    const at = 13 + (gif[10]! & 0x80 ? 3 * 2 ** ((gif[10]! & 0x07) + 1) : 0);
    const loop = Buffer.from([
      0x21,
      0xff,
      11,
      ...Buffer.from('NETSCAPE2.0'),
      3,
      1,
      0,
      0,
      9,
      ...Buffer.from('xmp-autho'),
      0,
    ]);
    const fromGif = await uploadAndFetch(Buffer.concat([gif.subarray(0, at), loop, gif.subarray(at)]));
    for (const bytes of fromGif.served.values()) expectNoSecrets(bytes);

    const webp = await makeImage(16, 16, 'webp');
    // Bytes past the coded frame inside its own chunk.
    const size = webp.readUInt32LE(16);
    const extra = Buffer.from('TopSecretComment');
    const body = Buffer.concat([webp.subarray(20, 20 + size), extra]);
    const frame = Buffer.alloc(8);
    frame.write('VP8 ', 0, 'latin1');
    frame.writeUInt32LE(body.length, 4);
    const riff = Buffer.alloc(12);
    riff.write('RIFF', 0, 'latin1');
    riff.writeUInt32LE(4 + 8 + body.length, 4);
    riff.write('WEBP', 8, 'latin1');
    const fromWebp = await uploadAndFetch(Buffer.concat([riff, frame, body]));
    for (const bytes of fromWebp.served.values()) expectNoSecrets(bytes);
  });

  it('a malformed container is refused, storing nothing', async () => {
    const jpeg = await makeImage(20, 20, 'jpeg');
    // Cut inside the entropy-coded data: no end of image.
    const { upload } = await requestImage(t, { productId: 'served-cut' });
    const res = await putBytes(upload, jpeg.subarray(0, jpeg.length - 40));
    expect(res.status).toBe(415);
  });
});
