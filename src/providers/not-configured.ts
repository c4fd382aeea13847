import { fail } from '../domain/errors';
import type { ProviderName } from '../domain/model';
import type { MediaCapability, MediaProviderAdapter } from './provider';

/** Single-image providers and their capabilities, as the contract's table lists them. */
export const REMOTE_PROVIDER_TRAITS: Record<
  Exclude<ProviderName, 'LOCAL'>,
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
    ],
  },
  SUPEROFFICE: {
    singleImage: true,
    capabilities: ['REQUEST_IMAGE_UPLOAD', 'REPLACE_IMAGE_FILE', 'IMAGE_FROM_URL', 'SET_THUMBNAIL'],
  },
  KELVIQ: {
    singleImage: false,
    capabilities: ['UPDATE_NAME', 'UPDATE_ORDERING', 'UPDATE_ENABLED', 'SET_THUMBNAIL'],
  },
};

/**
 * A remote provider whose adapter is not available (no credentials, or not yet
 * built): listed with its capabilities, and every write is PROVIDER_NOT_CONFIGURED.
 */
export function unconfiguredProvider(name: Exclude<ProviderName, 'LOCAL'>): MediaProviderAdapter {
  const refuse = () =>
    Promise.resolve(
      fail<never>('PROVIDER_NOT_CONFIGURED', `The provider ${name} is not configured`, { provider: name }),
    );
  return {
    name,
    singleImage: REMOTE_PROVIDER_TRAITS[name].singleImage,
    capabilities: new Set(REMOTE_PROVIDER_TRAITS[name].capabilities),
    configured: false,
    requestImageUpload: refuse,
    requestFileUpload: refuse,
    writeImage: refuse,
    writeFile: refuse,
  };
}
