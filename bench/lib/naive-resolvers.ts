import type { FileRecord, ImageRecord, StoredVariant } from '../../src/domain/model';
import { BENCH_PUBLIC_URL, type Catalog } from './catalog';

/** The catalogue in plain maps, as a hand-written in-memory resolver would hold it. */
export class MemoryCatalog {
  readonly imagesByProduct = new Map<string, ImageRecord[]>();
  readonly filesByProduct = new Map<string, FileRecord[]>();

  constructor(catalog: Catalog) {
    for (const image of catalog.images) {
      const list = this.imagesByProduct.get(image.productId) ?? [];
      list.push(image);
      this.imagesByProduct.set(image.productId, list);
    }
    for (const file of catalog.files) {
      const list = this.filesByProduct.get(file.productId) ?? [];
      list.push(file);
      this.filesByProduct.set(file.productId, list);
    }
  }

  images(productId: string): ImageRecord[] {
    return (this.imagesByProduct.get(productId) ?? []).filter((image) => image.enabled);
  }

  thumbnail(productId: string): ImageRecord | null {
    return this.images(productId).find((image) => image.isThumbnail) ?? null;
  }

  files(productId: string): FileRecord[] {
    return this.filesByProduct.get(productId) ?? [];
  }
}

export const absolute = (location: string) => (location.startsWith('/') ? `${BENCH_PUBLIC_URL}${location}` : location);

export const originalUrl = (image: ImageRecord) => {
  const original = image.variants.find((v: StoredVariant) => v.kind === 'ORIGINAL');
  return original ? absolute(original.location) : null;
};
