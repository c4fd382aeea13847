/**
 * Lossless rewrites of image containers for serving (contract section 8):
 * the same coded picture, without EXIF, XMP, IPTC or comments, and without
 * any byte after the image's own end. The pixels are never decoded here, so
 * a JPEG keeps its exact quality. Formats with no rewrite here (TIFF, AVIF)
 * are re-encoded by the caller instead.
 *
 * Why not a library: exif-be-gone (the maintained stream stripper) searches
 * JPEGs for APP1 byte patterns anywhere, entropy-coded data included, keeps
 * IPTC and comments, and keeps trailing bytes; the segment and chunk walks
 * below follow each format's structure and are checked by decoding their
 * output (test/security/served-bytes.test.ts).
 */
import { MediaFailure } from '../../domain/errors';

/** A container that does not parse: the bytes are not the image they claim to be. */
function malformed(what: string): MediaFailure {
  return MediaFailure.of('UNSUPPORTED_MEDIA_TYPE', `The ${what} is malformed and cannot be served`);
}

/** Types {@link stripMetadata} rewrites without decoding. */
export const LOSSLESS_REWRITE_TYPES: ReadonlySet<string> = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
]);

/**
 * The image without metadata or trailing bytes. `orientation` (EXIF 1-8) is
 * written back as the only EXIF tag of a JPEG, so the picture shows the same
 * way up.
 */
export function stripMetadata(bytes: Buffer, contentType: string, orientation = 1): Buffer {
  switch (contentType) {
    case 'image/jpeg':
      return stripJpeg(bytes, orientation);
    case 'image/png':
      return stripPng(bytes);
    case 'image/webp':
      return stripWebp(bytes);
    case 'image/gif':
      return stripGif(bytes);
    default:
      throw new Error(`No lossless rewrite for ${contentType}`);
  }
}

// JPEG: markers kept are those that code the picture or describe its colour.
const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const APP0 = 0xe0;
const APP2 = 0xe2;
const APP14 = 0xee;
/** DQT, DHT, DAC, DRI, DNL, EXP and the SOFn frames. */
function isCodingMarker(marker: number): boolean {
  return (marker >= 0xc0 && marker <= 0xcf) || marker === 0xdb || marker === 0xdc || marker === 0xdd || marker === 0xdf;
}

function startsWithText(bytes: Buffer, offset: number, text: string): boolean {
  return bytes.toString('latin1', offset, offset + text.length) === text;
}

function stripJpeg(bytes: Buffer, orientation: number): Buffer {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== SOI) throw malformed('JPEG');
  const out: Buffer[] = [bytes.subarray(0, 2)];
  if (orientation !== 1) out.push(orientationSegment(orientation));
  let pos = 2;
  for (;;) {
    if (pos + 1 >= bytes.length || bytes[pos] !== 0xff) throw malformed('JPEG');
    while (bytes[pos + 1] === 0xff) pos += 1; // fill bytes
    const marker = bytes[pos + 1]!;
    if (marker === EOI) {
      out.push(bytes.subarray(pos, pos + 2));
      return Buffer.concat(out);
    }
    if (pos + 4 > bytes.length) throw malformed('JPEG');
    const end = pos + 2 + bytes.readUInt16BE(pos + 2);
    if (end > bytes.length) throw malformed('JPEG');
    const keep =
      isCodingMarker(marker) ||
      marker === SOS ||
      (marker === APP0 && (startsWithText(bytes, pos + 4, 'JFIF\0') || startsWithText(bytes, pos + 4, 'JFXX\0'))) ||
      (marker === APP2 && startsWithText(bytes, pos + 4, 'ICC_PROFILE\0')) ||
      (marker === APP14 && startsWithText(bytes, pos + 4, 'Adobe'));
    if (keep) out.push(bytes.subarray(pos, end));
    pos = end;
    if (marker === SOS) {
      // Entropy-coded data runs to the next marker that is neither a stuffed 0xFF00 nor a restart marker.
      let scan = pos;
      while (scan + 1 < bytes.length) {
        if (bytes[scan] === 0xff) {
          const next = bytes[scan + 1]!;
          if (next !== 0x00 && !(next >= 0xd0 && next <= 0xd7) && next !== 0xff) break;
        }
        scan += 1;
      }
      if (scan + 1 >= bytes.length) throw malformed('JPEG');
      out.push(bytes.subarray(pos, scan));
      pos = scan;
    }
  }
}

/** An APP1 Exif segment holding only the Orientation tag (big-endian TIFF, one IFD entry). */
function orientationSegment(orientation: number): Buffer {
  const tiff = Buffer.alloc(8 + 2 + 12 + 4);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  tiff.writeUInt16BE(1, 8); // one entry
  tiff.writeUInt16BE(0x0112, 10); // Orientation
  tiff.writeUInt16BE(3, 12); // SHORT
  tiff.writeUInt32BE(1, 14); // count
  tiff.writeUInt16BE(orientation, 18);
  tiff.writeUInt32BE(0, 22); // no next IFD
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xffe1, 0);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Chunks that code the picture (APNG frames included) or its colour; text, EXIF, time and private chunks go. */
const PNG_KEPT = new Set([
  'IHDR',
  'PLTE',
  'IDAT',
  'IEND',
  'tRNS',
  'cHRM',
  'gAMA',
  'iCCP',
  'sBIT',
  'sRGB',
  'cICP',
  'mDCv',
  'cLLi',
  'bKGD',
  'pHYs',
  'acTL',
  'fcTL',
  'fdAT',
]);

function stripPng(bytes: Buffer): Buffer {
  if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE)) throw malformed('PNG');
  const out: Buffer[] = [PNG_SIGNATURE];
  let pos = 8;
  while (pos + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(pos);
    const type = bytes.toString('latin1', pos + 4, pos + 8);
    const end = pos + 12 + length;
    if (end > bytes.length) throw malformed('PNG');
    if (PNG_KEPT.has(type)) out.push(bytes.subarray(pos, end));
    if (type === 'IEND') return Buffer.concat(out);
    pos = end;
  }
  throw malformed('PNG');
}

/** RIFF chunks of WebP that code the picture or its colour; EXIF and XMP go. */
const WEBP_KEPT = new Set(['VP8 ', 'VP8L', 'VP8X', 'ALPH', 'ANIM', 'ANMF', 'ICCP']);
/** VP8X flag bits announcing EXIF (0x08) and XMP (0x04) chunks. */
const VP8X_METADATA_FLAGS = 0x08 | 0x04;

function stripWebp(bytes: Buffer): Buffer {
  if (bytes.length < 12 || !startsWithText(bytes, 0, 'RIFF') || !startsWithText(bytes, 8, 'WEBP')) {
    throw malformed('WebP');
  }
  const riffEnd = 8 + bytes.readUInt32LE(4);
  if (riffEnd > bytes.length) throw malformed('WebP');
  const chunks: Buffer[] = [];
  let pos = 12;
  while (pos + 8 <= riffEnd) {
    const type = bytes.toString('latin1', pos, pos + 4);
    const size = bytes.readUInt32LE(pos + 4);
    const end = pos + 8 + size + (size % 2);
    if (end > riffEnd) throw malformed('WebP');
    if (WEBP_KEPT.has(type)) {
      const chunk = Buffer.from(bytes.subarray(pos, end));
      if (type === 'VP8X' && size >= 1) chunk[8] = chunk[8]! & ~VP8X_METADATA_FLAGS;
      chunks.push(chunk);
    }
    pos = end;
  }
  if (chunks.length === 0) throw malformed('WebP');
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(4 + chunks.reduce((sum, c) => sum + c.length, 0), 4);
  head.write('WEBP', 8, 'latin1');
  return Buffer.concat([head, ...chunks]);
}

/** GIF application extensions kept: looping (animation) and an ICC profile; XMP and the rest go. */
const GIF_KEPT_APPLICATIONS = new Set(['NETSCAPE2.0', 'ANIMEXTS1.0', 'ICCRGBG1012']);

function stripGif(bytes: Buffer): Buffer {
  if (bytes.length < 13 || !(startsWithText(bytes, 0, 'GIF87a') || startsWithText(bytes, 0, 'GIF89a'))) {
    throw malformed('GIF');
  }
  const colourTable = (packed: number) => (packed & 0x80 ? 3 * 2 ** ((packed & 0x07) + 1) : 0);
  /** The end of a run of data sub-blocks starting at `pos` (after its zero-length terminator). */
  const subBlocksEnd = (pos: number) => {
    while (pos < bytes.length && bytes[pos] !== 0) pos += 1 + bytes[pos]!;
    if (pos >= bytes.length) throw malformed('GIF');
    return pos + 1;
  };
  let pos = 13 + colourTable(bytes[10]!);
  const out: Buffer[] = [bytes.subarray(0, pos)];
  while (pos < bytes.length) {
    const introducer = bytes[pos]!;
    if (introducer === 0x3b) {
      out.push(bytes.subarray(pos, pos + 1));
      return Buffer.concat(out);
    }
    if (introducer === 0x21) {
      const label = bytes[pos + 1];
      const end = subBlocksEnd(pos + 2);
      const application = label === 0xff ? bytes.toString('latin1', pos + 3, pos + 14) : '';
      const keep = label === 0xf9 || label === 0x01 || (label === 0xff && GIF_KEPT_APPLICATIONS.has(application));
      if (keep) out.push(bytes.subarray(pos, end));
      pos = end;
    } else if (introducer === 0x2c) {
      if (pos + 11 > bytes.length) throw malformed('GIF');
      const dataStart = pos + 10 + colourTable(bytes[pos + 9]!) + 1; // descriptor, local table, LZW code size
      const end = subBlocksEnd(dataStart);
      out.push(bytes.subarray(pos, end));
      pos = end;
    } else {
      throw malformed('GIF');
    }
  }
  throw malformed('GIF');
}
