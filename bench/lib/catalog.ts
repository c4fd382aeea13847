import { formatGlobalId } from '../../src/domain/ids';
import type { FileRecord, ImageRecord, ProviderName, StoredVariant } from '../../src/domain/model';
import { SqliteMediaIndex } from '../../src/store/sqlite/sqlite-index';

/**
 * The media the entity benchmarks read: every product has a LOCAL image (with
 * its renditions, the thumbnail), a SALLA image (absolute URLs) and a LOCAL file,
 * so one `_entities` call spans providers the way a real catalogue does.
 */
export interface Catalog {
  images: ImageRecord[];
  files: FileRecord[];
}

/** What the servers put in front of LOCAL paths; only ever a string in responses, never dialled. */
export const BENCH_PUBLIC_URL = 'http://localhost:4001';

export const productId = (i: number) => `bench-product-${i}`;

const CREATED = '2026-01-01T00:00:00.000Z';

function image(provider: ProviderName, product: string, imageId: string, ordering: number): ImageRecord {
  const local = provider === 'LOCAL';
  const base = local ? `/media/images/${product}-${imageId}-r1` : `https://cdn.salla.example/${product}/${imageId}`;
  const variant = (kind: StoredVariant['kind'], width: number): StoredVariant => ({
    kind,
    location: `${base}/${kind.toLowerCase()}.webp`,
    width,
    height: Math.round(width * 0.75),
    contentType: 'image/webp',
  });
  return {
    id: formatGlobalId({ kind: 'ProductImage', provider, productId: product, localId: imageId }),
    provider,
    productId: product,
    imageId,
    providerImageId: local ? null : `${imageId}-at-salla`,
    status: 'READY',
    name: `${product} ${imageId}`,
    alt: `Photo ${ordering} of ${product}`,
    ordering,
    isThumbnail: ordering === 0,
    enabled: true,
    width: 1600,
    height: 1200,
    contentType: 'image/jpeg',
    byteSize: 250_000,
    sha256: null,
    blobKey: local ? `${product}-${imageId}-r1` : null,
    variants: [variant('ORIGINAL', 1600), variant('STANDARD', 1200), variant('LOW', 480), variant('THUMBNAIL', 160)],
    failureReason: null,
    pendingRevision: null,
    thumbhash: null,
    dominantColor: null,
    createdAt: CREATED,
    updatedAt: CREATED,
  };
}

export function buildCatalog(productCount: number): Catalog {
  const images: ImageRecord[] = [];
  const files: FileRecord[] = [];
  for (let i = 0; i < productCount; i++) {
    const product = productId(i);
    images.push(image('LOCAL', product, 'front', 0), image('SALLA', product, 'side', 1));
    files.push({
      id: formatGlobalId({ kind: 'ProductFile', provider: 'LOCAL', productId: product, localId: 'manual' }),
      provider: 'LOCAL',
      productId: product,
      fileId: 'manual',
      providerFileId: null,
      fileName: `${product}-manual.pdf`,
      status: 'READY',
      contentType: 'application/pdf',
      byteSize: 120_000,
      sha256: null,
      blobKey: `${product}-manual`,
      downloadUrl: null,
      failureReason: null,
      createdAt: CREATED,
      updatedAt: CREATED,
    });
  }
  return { images, files };
}

/** Writes the catalogue into a subgraph's SQLite index (before the subgraph starts on that folder). */
export async function seedIndex(databasePath: string, catalog: Catalog): Promise<void> {
  const index = SqliteMediaIndex.open(databasePath);
  await index.insertAll(catalog);
  await index.close();
}

/** The selection scenario 1 asks of every product. */
export const PRODUCT_SELECTION =
  'images { id url width height variants { kind url } } thumbnail { id } files { id fileName }';

export const ENTITIES_QUERY = `query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Product { ${PRODUCT_SELECTION} } }
}`;

/** The JSON body of an `_entities` request for the first `n` products. */
export function entitiesBody(n: number): string {
  const representations = Array.from({ length: n }, (_, i) => ({ __typename: 'Product', id: productId(i) }));
  return JSON.stringify({ query: ENTITIES_QUERY, variables: { representations }, operationName: 'Entities' });
}
