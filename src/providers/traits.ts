import { fail, type Result } from '../domain/errors';
import type { ProviderName } from '../domain/model';
import type { MediaCapability } from './provider';

export type RemoteProviderName = Exclude<ProviderName, 'LOCAL'>;

/** Single-image providers and their capabilities, as the contract's table lists them. */
export const REMOTE_PROVIDER_TRAITS: Record<
  RemoteProviderName,
  { singleImage: boolean; capabilities: MediaCapability[] }
> = {
  DODO_PAYMENTS: {
    singleImage: true,
    capabilities: [
      'REQUEST_IMAGE_UPLOAD',
      'REQUEST_FILE_UPLOAD',
      'REPLACE_IMAGE_FILE',
      'IMAGE_FROM_URL',
      'SET_THUMBNAIL',
      'CONFIRM_UPLOAD',
    ],
  },
  SALLA: {
    singleImage: false,
    capabilities: [
      'REPLACE_IMAGE_FILE',
      'IMAGE_FROM_URL',
      'UPDATE_ALT',
      'UPDATE_ORDERING',
      'SET_THUMBNAIL',
      'IMAGE_VARIANTS',
      'REORDER_IMAGES',
    ],
  },
  SUPEROFFICE: {
    singleImage: true,
    capabilities: ['REQUEST_IMAGE_UPLOAD', 'REPLACE_IMAGE_FILE', 'IMAGE_FROM_URL', 'SET_THUMBNAIL', 'CONFIRM_UPLOAD'],
  },
  KELVIQ: {
    singleImage: false,
    capabilities: ['UPDATE_NAME', 'UPDATE_ORDERING', 'UPDATE_ENABLED', 'SET_THUMBNAIL', 'REORDER_IMAGES'],
  },
};

/** The answer of an adapter method for a capability its provider does not have (the service refuses earlier). */
export function notOffered<T>(provider: ProviderName, capability: MediaCapability): Promise<Result<T>> {
  return Promise.resolve(
    fail<T>('UNSUPPORTED_BY_PROVIDER', `The provider ${provider} does not support ${capability}`, { provider }),
  );
}
