import { parseGlobalId } from '../../domain/ids';
import type { ProductFileResolvers } from '../generated/resolvers-types';

export const ProductFile: ProductFileResolvers = {
  __resolveReference: ({ id }, { loaders }) => (parseGlobalId(id, 'ProductFile') ? loaders.fileById.load(id) : null),
  product: (file) => ({ id: file.productId }),
  downloadUrl: (file, _args, { media }) => media.downloadUrlOf(file),
};
