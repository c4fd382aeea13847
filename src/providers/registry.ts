import type { Config } from '../config/config';
import type { ImageProcessor } from '../media/processing/types';
import type { UploadGrants } from '../media/upload-grants';
import { DodoPaymentsProvider } from './dodo-payments/dodo-payments-provider';
import type { CallPolicy } from './transport/provider-call';
import { KelviqProvider } from './kelviq/kelviq-provider';
import { unconfiguredProvider } from './not-configured';
import type { MediaProviderAdapter } from './provider';
import { SallaProvider } from './salla/salla-provider';
import { SuperOfficeProvider } from './superoffice/superoffice-provider';

/**
 * The four remote providers: a working adapter for each one whose credential
 * is set, a not-configured stand-in (listed, refusing every write) for the rest.
 */
export function remoteProviders(config: Config, grants: UploadGrants, images: ImageProcessor): MediaProviderAdapter[] {
  const policy: CallPolicy = {
    timeoutMs: config.providerTimeoutMs,
    retries: config.providerRetries,
    retryBaseMs: config.providerRetryBaseMs,
    maxRetryAfterMs: config.providerMaxRetryAfterMs,
  };
  const { dodoPayments, salla, superOffice, kelviq } = config.providers;
  const { apiKey: dodoKey } = dodoPayments;
  const { accessToken: sallaToken } = salla;
  const { baseUrl: superOfficeUrl, credentials: superOfficeCredentials } = superOffice;
  const { apiKey: kelviqKey } = kelviq;
  return [
    dodoKey
      ? new DodoPaymentsProvider({ ...dodoPayments, apiKey: dodoKey }, policy, images)
      : unconfiguredProvider('DODO_PAYMENTS'),
    sallaToken
      ? new SallaProvider({ ...salla, accessToken: sallaToken }, policy, images)
      : unconfiguredProvider('SALLA'),
    superOfficeUrl && superOfficeCredentials
      ? new SuperOfficeProvider(
          { ...superOffice, baseUrl: superOfficeUrl, credentials: superOfficeCredentials },
          policy,
          { grants, maxImageBytes: config.maxImageBytes, images },
        )
      : unconfiguredProvider('SUPEROFFICE'),
    kelviqKey ? new KelviqProvider({ ...kelviq, apiKey: kelviqKey }, policy) : unconfiguredProvider('KELVIQ'),
  ];
}
