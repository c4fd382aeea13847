/**
 * Content types decided from the bytes (magic numbers), never from what a client says.
 * Only the first `SNIFF_BYTES` bytes are needed.
 */

/** How many leading bytes `sniffContentType` looks at. */
export const SNIFF_BYTES = 256;

/** Image types the subgraph accepts, decided from the bytes. */
export const ALLOWED_IMAGE_TYPES = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/tiff',
  'image/avif',
] as const;
export type ImageContentType = (typeof ALLOWED_IMAGE_TYPES)[number];

export function isAllowedImageType(type: string): type is ImageContentType {
  return (ALLOWED_IMAGE_TYPES as readonly string[]).includes(type);
}

/** File extension for each type the subgraph may write. */
export const EXTENSION_BY_TYPE: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/tiff': 'tif',
  'image/avif': 'avif',
};

function startsWith(bytes: Uint8Array, signature: number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((b, i) => bytes[offset + i] === b);
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return Buffer.from(bytes.subarray(offset, offset + length)).toString('latin1');
}

const AVIF_BRANDS = new Set(['avif', 'avis']);
/** HEIF brands: the generic image ones (`mif1`, `msf1`) say only "HEIF"; the codec comes from the other brands. */
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);

/**
 * The type of an ISO-BMFF file from its `ftyp` box: the major brand and every
 * compatible brand count, so an AVIF whose major brand is the generic `mif1`
 * (with `avif` among the compatible brands) is AVIF, and HEIC stays HEIC.
 */
function isoBmffType(bytes: Uint8Array): string {
  const boxSize = Buffer.from(bytes.subarray(0, 4)).readUInt32BE(0);
  const end = Math.min(bytes.length, boxSize >= 16 ? boxSize : 16);
  const brands = [ascii(bytes, 8, 4)];
  for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(bytes, at, 4));
  if (brands.some((brand) => AVIF_BRANDS.has(brand))) return 'image/avif';
  if (brands.some((brand) => HEIC_BRANDS.has(brand))) return 'image/heic';
  return brands[0] === 'qt  ' ? 'video/quicktime' : 'video/mp4';
}

/** The MIME type the bytes are, or `undefined` when they match no known signature. */
export function sniffContentType(bytes: Uint8Array): string | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'image/gif';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'image/webp';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'image/tiff';
  if (ascii(bytes, 4, 4) === 'ftyp') return isoBmffType(bytes);
  if (ascii(bytes, 0, 5) === '%PDF-') return 'application/pdf';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) {
    return 'application/zip';
  }
  if (startsWith(bytes, [0x1f, 0x8b])) return 'application/gzip';
  if (ascii(bytes, 0, 4) === 'Rar!') return 'application/vnd.rar';
  if (startsWith(bytes, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return 'application/x-7z-compressed';
  if (ascii(bytes, 0, 4) === 'OggS') return 'audio/ogg';
  if (ascii(bytes, 0, 3) === 'ID3') return 'audio/mpeg';
  if (ascii(bytes, 0, 4) === 'fLaC') return 'audio/flac';
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return 'video/webm';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WAVE') return 'audio/wav';
  const head = ascii(bytes, 0, Math.min(bytes.length, SNIFF_BYTES)).trimStart().toLowerCase();
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return 'image/svg+xml';
  return undefined;
}

/** A MIME type as a client may declare it: `type/subtype`, no parameters. */
export function normaliseDeclaredType(type: string): string | undefined {
  const base = type.split(';')[0]!.trim().toLowerCase();
  if (base === 'image/jpg') return 'image/jpeg';
  return /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/.test(base) ? base : undefined;
}
