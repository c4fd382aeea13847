// Scenario 4's baseline: plain sharp making the same three renditions, alone on its core.
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

serveControl('sharp', { render });
