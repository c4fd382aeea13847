import { isAcceptableIdText } from '../../domain/ids';
import type { MediaStatus } from '../../domain/model';
import type { ProductResolvers } from '../generated/resolvers-types';

/** Media whose bytes exist; the rest (placeholders, failures) are listed only on request (contract section 6). */
const hasBytes = (media: { status: MediaStatus }) => media.status === 'READY' || media.status === 'PROCESSING';

export const Product: ProductResolvers = {
  // This subgraph can add media to any product the supergraph names.
  __resolveReference: (reference) => (isAcceptableIdText(reference.id) ? { id: reference.id } : null),
  images: async ({ id }, { includeDisabled, includePending }, { loaders, budget }, info) => {
    const images = (await loaders.imagesByProductId.load(id)).filter(
      (image) => (includeDisabled || image.enabled) && (includePending || hasBytes(image)),
    );
    budget.chargeList(images, info);
    return images;
  },
  thumbnail: async ({ id }, _args, { loaders }) =>
    (await loaders.imagesByProductId.load(id)).find((image) => image.isThumbnail && hasBytes(image)) ?? null,
  files: async ({ id }, { includePending }, { loaders, budget }, info) => {
    const files = (await loaders.filesByProductId.load(id)).filter((file) => includePending || hasBytes(file));
    budget.chargeList(files, info);
    return files;
  },
};
