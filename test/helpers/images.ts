import sharp from 'sharp';

/** A real image of the given size and format, made with sharp. */
export function makeImage(
  width: number,
  height: number,
  format: 'png' | 'jpeg' | 'webp' | 'gif' | 'tiff' = 'png',
): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 60, b: 20 } } })
    .toFormat(format)
    .toBuffer();
}

/**
 * A photo-like JPEG of the given size: Gaussian noise, which neither
 * compresses nor decodes cheaply, so processing it takes a while.
 */
export function makeNoisyImage(width: number, height: number): Promise<Buffer> {
  const noise = { type: 'gaussian', mean: 128, sigma: 40 } as const;
  return sharp({ create: { width, height, channels: 3, background: '#808080', noise } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** Writes bits MSB first, with JPEG's byte stuffing (0xFF is followed by 0x00 inside entropy-coded data). */
class JpegBits {
  private readonly bytes: number[] = [];
  private current = 0;
  private filled = 0;
  put(value: number, length: number): void {
    for (let bit = length - 1; bit >= 0; bit--) {
      this.current = (this.current << 1) | ((value >> bit) & 1);
      if (++this.filled === 8) this.flushByte();
    }
  }
  /** Pads the last byte with 1 bits, as a scan ends. */
  end(): Buffer {
    if (this.filled > 0) this.put(0xff >> this.filled, 8 - this.filled);
    return Buffer.from(this.bytes);
  }
  private flushByte(): void {
    this.bytes.push(this.current);
    if (this.current === 0xff) this.bytes.push(0x00);
    this.current = 0;
    this.filled = 0;
  }
}

function segment(marker: number, body: number[]): Buffer {
  return Buffer.from([0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body]);
}

/**
 * A valid grey progressive JPEG that is cheap to send and costly to decode:
 * every AC coefficient gets its own successive-approximation ladder (a first
 * scan at Al = 13, then 13 refinement scans), `coefficients` x 14 scans in
 * all, each of which the decoder walks over every block. A flat picture, so
 * every scan is a handful of end-of-band runs: a 6320 x 6320 one with all 63
 * coefficients is about 140 KB and 883 scans.
 */
export function progressiveScanBomb(size: number, coefficients = 63): Buffer {
  const blocks = Math.ceil(size / 8) ** 2;
  const parts: Buffer[] = [Buffer.from([0xff, 0xd8])];
  parts.push(segment(0xdb, [0x00, ...Array<number>(64).fill(1)])); // DQT
  parts.push(segment(0xc2, [8, size >> 8, size & 0xff, size >> 8, size & 0xff, 1, 1, 0x11, 0])); // SOF2, one component
  const dcCounts = [1, ...Array<number>(15).fill(0)]; // one 1-bit code: category 0 (no DC change)
  parts.push(segment(0xc4, [0x00, ...dcCounts, 0x00]));
  const eobSymbols = Array.from({ length: 15 }, (_, n) => n << 4); // EOB0..EOB14, 4-bit codes 0..14
  const acCounts = [0, 0, 0, 15, ...Array<number>(12).fill(0)];
  parts.push(segment(0xc4, [0x10, ...acCounts, ...eobSymbols]));
  const scan = (ss: number, se: number, ah: number, al: number, data: Buffer) =>
    Buffer.concat([segment(0xda, [1, 1, 0x00, ss, se, (ah << 4) | al]), data]);

  const dc = new JpegBits();
  for (let b = 0; b < blocks; b++) dc.put(0, 1);
  parts.push(scan(0, 0, 0, 0, dc.end()));
  /** One scan's data: end-of-band runs covering every block (EOBn carries n extra bits: runs of 2^n..2^(n+1)-1). */
  const endOfBands = () => {
    const bits = new JpegBits();
    for (let left = blocks; left > 0;) {
      const n = Math.min(14, Math.floor(Math.log2(left)));
      const run = Math.min(left, 2 ** (n + 1) - 1);
      bits.put(n, 4);
      if (n > 0) bits.put(run - 2 ** n, n);
      left -= run;
    }
    return bits.end();
  };
  const data = endOfBands();
  for (let k = 1; k <= coefficients; k++) {
    parts.push(scan(k, k, 0, 13, data));
    for (let ah = 13; ah >= 1; ah--) parts.push(scan(k, k, ah, ah - 1, data));
  }
  parts.push(Buffer.from([0xff, 0xd9]));
  return Buffer.concat(parts);
}

/** A little-endian TIFF of `pages` one-pixel grey pages sharing one pixel: about 100 bytes a page. */
export function tiffPageBomb(pages: number): Buffer {
  const entries = 8;
  const ifdSize = 2 + entries * 12 + 4;
  const pixelAt = 8;
  const firstIfd = 10;
  const bytes = Buffer.alloc(firstIfd + pages * ifdSize);
  bytes.write('II', 0, 'latin1');
  bytes.writeUInt16LE(42, 2);
  bytes.writeUInt32LE(firstIfd, 4);
  bytes[pixelAt] = 0x80;
  for (let page = 0; page < pages; page++) {
    let at = firstIfd + page * ifdSize;
    bytes.writeUInt16LE(entries, at);
    at += 2;
    const tag = (id: number, type: 3 | 4, value: number) => {
      bytes.writeUInt16LE(id, at);
      bytes.writeUInt16LE(type, at + 2);
      bytes.writeUInt32LE(1, at + 4);
      if (type === 3) bytes.writeUInt16LE(value, at + 8);
      else bytes.writeUInt32LE(value, at + 8);
      at += 12;
    };
    // Width, height, bits, no compression, black is zero, strip offset, rows per strip, strip bytes.
    tag(256, 3, 1);
    tag(257, 3, 1);
    tag(258, 3, 8);
    tag(259, 3, 1);
    tag(262, 3, 1);
    tag(273, 4, pixelAt);
    tag(278, 3, 1);
    tag(279, 4, 1);
    bytes.writeUInt32LE(page === pages - 1 ? 0 : firstIfd + (page + 1) * ifdSize, at);
  }
  return bytes;
}
