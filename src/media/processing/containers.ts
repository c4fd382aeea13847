/**
 * The lossless rewrite of a JPEG for serving (contract section 8): the same
 * coded picture, without EXIF, XMP, IPTC, comments, JFIF/JFXX headers (and
 * the thumbnails they may carry), and without any byte after the image's own
 * end. The pixels are never decoded, so a JPEG keeps its exact quality. Only
 * segments whose content is checked are kept: the coding tables, a
 * fixed-length Adobe colour-transform segment, and an ICC profile whose
 * chunks form one well-formed profile. Every other format is re-encoded from
 * its decoded pixels by the renderer, which leaves no room for data hidden
 * inside the container (extra IDAT bytes, sub-blocks, nested chunks).
 *
 * Why not a library: exif-be-gone (the maintained stream stripper) searches
 * JPEGs for APP1 byte patterns anywhere, entropy-coded data included, keeps
 * IPTC, comments and JFIF thumbnails, and keeps trailing bytes; the segment
 * walk below follows the format and is checked by decoding its output
 * (test/security/served-bytes.test.ts).
 */
import { MediaFailure } from '../../domain/errors';

/** A container that does not parse: the bytes are not the image they claim to be. */
function malformed(what: string): MediaFailure {
  return MediaFailure.of('UNSUPPORTED_MEDIA_TYPE', `The ${what} is malformed and cannot be served`);
}

/** Types {@link stripMetadata} rewrites without decoding. */
export const LOSSLESS_REWRITE_TYPES: ReadonlySet<string> = new Set(['image/jpeg']);

/**
 * The JPEG without metadata or trailing bytes. `orientation` (EXIF 1-8) is
 * written back as the only EXIF tag, so the picture shows the same way up.
 */
export function stripMetadata(bytes: Buffer, contentType: string, orientation = 1): Buffer {
  if (contentType !== 'image/jpeg') throw new Error(`No lossless rewrite for ${contentType}`);
  return stripJpeg(bytes, orientation);
}

// JPEG: markers kept are those that code the picture or describe its colour.
const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const APP2 = 0xe2;
const APP14 = 0xee;
/** An Adobe APP14 segment is exactly 'Adobe', a version, two flag words and the transform: 14 bytes with its length. */
const ADOBE_SEGMENT_LENGTH = 14;
const ICC_CHUNK_HEADER = 'ICC_PROFILE\0';
/** DQT, DHT, DAC, DRI, DNL, EXP and the SOFn frames. */
function isCodingMarker(marker: number): boolean {
  return (marker >= 0xc0 && marker <= 0xcf) || marker === 0xdb || marker === 0xdc || marker === 0xdd || marker === 0xdf;
}

function startsWithText(bytes: Buffer, offset: number, text: string): boolean {
  return bytes.toString('latin1', offset, offset + text.length) === text;
}

function stripJpeg(bytes: Buffer, orientation: number): Buffer {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== SOI) throw malformed('JPEG');
  const head: Buffer[] = [bytes.subarray(0, 2)];
  if (orientation !== 1) head.push(orientationSegment(orientation));
  const iccChunks: Buffer[] = [];
  const body: Buffer[] = [];
  let pos = 2;
  for (;;) {
    if (pos + 1 >= bytes.length || bytes[pos] !== 0xff) throw malformed('JPEG');
    while (bytes[pos + 1] === 0xff) pos += 1; // fill bytes
    const marker = bytes[pos + 1]!;
    if (marker === EOI) {
      body.push(bytes.subarray(pos, pos + 2));
      return Buffer.concat([...head, ...wellFormedIcc(iccChunks), ...body]);
    }
    if (pos + 4 > bytes.length) throw malformed('JPEG');
    const length = bytes.readUInt16BE(pos + 2);
    const end = pos + 2 + length;
    if (end > bytes.length) throw malformed('JPEG');
    const segment = bytes.subarray(pos, end);
    if (isCodingMarker(marker) || marker === SOS) body.push(segment);
    else if (marker === APP14 && length === ADOBE_SEGMENT_LENGTH && startsWithText(bytes, pos + 4, 'Adobe')) {
      body.push(segment);
    } else if (marker === APP2 && startsWithText(bytes, pos + 4, ICC_CHUNK_HEADER)) iccChunks.push(segment);
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
      body.push(bytes.subarray(pos, scan));
      pos = scan;
    }
  }
}

/**
 * The APP2 segments of an ICC profile, kept only when they form one profile:
 * numbered 1..n of n, and the joined data has the profile's own declared size
 * and signature. Anything else is dropped (decoders then assume sRGB).
 */
function wellFormedIcc(chunks: Buffer[]): Buffer[] {
  if (chunks.length === 0) return [];
  const dataStart = 4 + ICC_CHUNK_HEADER.length + 2;
  const ordered = [...chunks].sort((a, b) => a[4 + ICC_CHUNK_HEADER.length]! - b[4 + ICC_CHUNK_HEADER.length]!);
  const numbered = ordered.every(
    (chunk, i) =>
      chunk.length > dataStart &&
      chunk[4 + ICC_CHUNK_HEADER.length] === i + 1 &&
      chunk[4 + ICC_CHUNK_HEADER.length + 1] === chunks.length,
  );
  if (!numbered) return [];
  const profile = Buffer.concat(ordered.map((chunk) => chunk.subarray(dataStart)));
  const wellFormed =
    profile.length >= 132 && profile.readUInt32BE(0) === profile.length && startsWithText(profile, 36, 'acsp');
  return wellFormed ? ordered : [];
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

/** Whether a WebP's image data is lossless (a `VP8L` chunk at the top level or inside the first frame). */
export function isLosslessWebp(bytes: Buffer): boolean {
  let pos = 12;
  while (pos + 8 <= bytes.length) {
    const type = bytes.toString('latin1', pos, pos + 4);
    if (type === 'VP8L') return true;
    if (type === 'VP8 ') return false;
    // ANMF: a frame header of 16 bytes, then the frame's own chunks.
    pos = type === 'ANMF' ? pos + 8 + 16 : pos + 8 + bytes.readUInt32LE(pos + 4) + (bytes.readUInt32LE(pos + 4) % 2);
  }
  return false;
}
