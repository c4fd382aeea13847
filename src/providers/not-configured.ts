import { fail } from '../domain/errors';
import type { MediaProviderAdapter } from './provider';
import { REMOTE_PROVIDER_TRAITS, type RemoteProviderName } from './traits';

/**
 * A remote provider whose adapter is not available (no credentials, or not yet
 * built): listed with its capabilities, and every write is PROVIDER_NOT_CONFIGURED.
 */
export function unconfiguredProvider(name: RemoteProviderName): MediaProviderAdapter {
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
