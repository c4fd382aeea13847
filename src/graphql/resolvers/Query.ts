import { isAcceptableIdText, parseGlobalId } from '../../domain/ids';
import type { QueryResolvers } from '../generated/resolvers-types';
import { invalidIdError } from './errors';

export const Query: QueryResolvers = {
  productImage: async (_parent, { id }, { loaders }) => {
    if (!parseGlobalId(id, 'ProductImage')) throw invalidIdError('id');
    return loaders.imageById.load(id);
  },
  productFile: async (_parent, { id }, { loaders }) => {
    if (!parseGlobalId(id, 'ProductFile')) throw invalidIdError('id');
    return loaders.fileById.load(id);
  },
  productMedia: (_parent, { productId }) => {
    if (!isAcceptableIdText(productId)) throw invalidIdError('productId');
    return { id: productId };
  },
  mediaProviders: (_parent, _args, { media }) => media.providers.list(),
};
