// Command-line use of the example client:
//   npx tsx examples/frontend-client/src/main.ts <image file> [product id] [endpoint]
// With `npm run supergraph` running, the defaults upload to product 1 through the gateway.
// Prints the image once READY, then the responsive `<img>` a storefront would show it with.
import { openAsBlob } from 'node:fs';
import path from 'node:path';
import { getResponsiveImage, imgHtml } from './responsive-image';
import { uploadImage } from './upload-image';

async function main() {
  const [file, productId = '1', endpoint = 'http://localhost:4000/graphql'] = process.argv.slice(2);
  if (!file) throw new Error('usage: main.ts <image file> [product id] [endpoint]');
  const type = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp' }[
    path.extname(file).toLowerCase()
  ];
  const image = await uploadImage({
    endpoint,
    productId,
    file: await openAsBlob(file, { type }),
    fileName: path.basename(file),
    onProgress: ({ loaded, total }) => process.stdout.write(`\ruploaded ${Math.round((100 * loaded) / total)}%`),
  });
  process.stdout.write(`\n${image.id} is ${image.status}: ${image.url}\n`);
  const responsive = await getResponsiveImage({ endpoint }, image.id);
  if (responsive) process.stdout.write(`${imgHtml(responsive)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
