// Command-line use of the example client:
//   npx tsx examples/frontend-client/src/main.ts <image file> [product id] [endpoint]
// With `npm run supergraph` running, the defaults upload to product 1 through the gateway.
// Prints the image once READY, then the responsive `<img>` a storefront would show it with.
import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { getResponsiveImage, imgHtml } from './responsive-image';
import { uploadImage } from './upload-image';

/** Whether a progress line is open on stdout: anything else printed must end it first. */
let progressShown = false;

/** The image file as a Blob; a file that cannot be read is named in the error. */
async function readImage(file: string): Promise<Blob> {
  const type = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp' }[
    path.extname(file).toLowerCase()
  ];
  try {
    // openAsBlob says only that it could not; stat says why (ENOENT, EACCES, EISDIR as a folder).
    if (!(await stat(file)).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    return await openAsBlob(file, { type });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = { ENOENT: 'no such file', EACCES: 'not readable', EISDIR: 'not a file' }[code ?? ''];
    throw new Error(`${file}: ${reason ?? (err as Error).message}`);
  }
}

async function main() {
  const [file, productId = '1', endpoint = 'http://localhost:4000/graphql'] = process.argv.slice(2);
  if (!file) throw new Error('usage: main.ts <image file> [product id] [endpoint]');
  const image = await uploadImage({
    endpoint,
    productId,
    file: await readImage(file),
    fileName: path.basename(file),
    onProgress: ({ loaded, total }) => {
      progressShown = true;
      process.stdout.write(`\ruploaded ${Math.round((100 * loaded) / total)}%`);
    },
  });
  progressShown = false;
  process.stdout.write(`\n${image.id} is ${image.status}: ${image.url}\n`);
  const responsive = await getResponsiveImage({ endpoint }, image.id);
  if (responsive) process.stdout.write(`${imgHtml(responsive)}\n`);
}

main().catch((err: unknown) => {
  if (progressShown) process.stdout.write('\n');
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
