// The baseline of scenarios 4 and 6: plain sharp alone on its core, making the
// same three renditions (`render`) or one rendition on request (`rendition`).
import sharp from 'sharp';
import { serveControl } from '../lib/control';

// The subgraph runs sharp without its operation cache too; with it, repeated runs would be served from memory.
sharp.cache(false);
const BOXES = [1000, 500, 120];

async function render(args: unknown): Promise<number> {
  const { file, outDir } = args as { file: string; outDir: string };
  const started = performance.now();
  for (const box of BOXES) {
    await sharp(file)
      .rotate()
      .resize({ width: box, height: box, fit: 'inside', withoutEnlargement: true })
      .jpeg()
      .toFile(`${outDir}/${box}.jpg`);
  }
  return performance.now() - started;
}

/** The encoder settings of renditions on request (src/media/processing/renderer.ts), written out again. */
const ENCODERS = {
  jpeg: (image: sharp.Sharp) => image.flatten({ background: '#ffffff' }).jpeg({ quality: 80, mozjpeg: true }),
  webp: (image: sharp.Sharp) => image.webp({ quality: 80 }),
  avif: (image: sharp.Sharp) => image.avif({ quality: 50, effort: 4 }),
  png: (image: sharp.Sharp) => image.png(),
};

export interface RenditionJob {
  file: string;
  outFile: string;
  width: number;
  format: keyof typeof ENCODERS;
}

export interface RenditionDone {
  ms: number;
  width: number;
  bytes: number;
}

/** One resize into a `width` box and one encode, from the file to a file: what a rendition on request is, no more. */
async function rendition(args: unknown): Promise<RenditionDone> {
  const job = args as RenditionJob;
  const started = performance.now();
  const info = await ENCODERS[job.format](
    sharp(job.file).rotate().resize({ width: job.width, fit: 'inside', withoutEnlargement: true }),
  ).toFile(job.outFile);
  return { ms: performance.now() - started, width: info.width, bytes: info.size };
}

serveControl('sharp', { render, rendition });
