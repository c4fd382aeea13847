import type { Config } from '../config/config';
import type { ImageProcessor } from '../media/processing/types';
import type { ProviderCallObserver } from '../observability/metrics';
import type { UploadGrants } from '../media/upload-grants';
import { DodoPaymentsProvider } from './dodo-payments/dodo-payments-provider';
import type { CallPolicy } from './transport/provider-call';
import { KelviqProvider } from './kelviq/kelviq-provider';
import { unconfiguredProvider } from './not-configured';
import { fail, ok, type Result } from '../domain/errors';
import { PROVIDERS, type ProviderName } from '../domain/model';
import type { MediaCapability, MediaProviderAdapter } from './provider';
import { SallaProvider } from './salla/salla-provider';
import { SuperOfficeProvider } from './superoffice/superoffice-provider';

/**
 * The four remote providers: a working adapter for each one whose credential
 * is set, a not-configured stand-in (listed, refusing every write) for the rest.
 * `observer` is told of every call they make (the server's metrics).
 */
export function remoteProviders(
  config: Config,
  grants: UploadGrants,
  images: ImageProcessor,
  observer?: ProviderCallObserver,
): MediaProviderAdapter[] {
  const policy: CallPolicy = {
    timeoutMs: config.providerTimeoutMs,
    retries: config.providerRetries,
    retryBaseMs: config.providerRetryBaseMs,
    maxRetryAfterMs: config.providerMaxRetryAfterMs,
    observer,
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

/** What `mediaProviders` lists for one provider. */
export interface ProviderListing {
  provider: ProviderName;
  configured: boolean;
  isDefault: boolean;
  singleImage: boolean;
  capabilities: MediaCapability[];
}

/**
 * Every provider by name, and the one place that answers what a provider can
 * do: configured or not, its capabilities, the fields it can store and the
 * image types it takes. Refusals are typed results naming the provider (and
 * the field), never thrown.
 */
export class ProviderRegistry {
  private readonly byName: Map<ProviderName, MediaProviderAdapter>;

  constructor(
    providers: readonly MediaProviderAdapter[],
    readonly defaultProvider: ProviderName,
  ) {
    this.byName = new Map(providers.map((p) => [p.name, p]));
    for (const name of PROVIDERS) {
      if (!this.byName.has(name)) throw new Error(`No adapter for provider ${name}`);
    }
  }

  get(name: ProviderName): MediaProviderAdapter {
    return this.byName.get(name)!;
  }

  /** Every provider with its traits, in the contract's order. */
  list(): ProviderListing[] {
    return PROVIDERS.map((name) => {
      const p = this.get(name);
      return {
        provider: name,
        configured: p.configured,
        isDefault: name === this.defaultProvider,
        singleImage: p.singleImage,
        capabilities: [...p.capabilities],
      };
    });
  }

  /** A provider that is configured and can do `capability`; PROVIDER_NOT_CONFIGURED or UNSUPPORTED_BY_PROVIDER. */
  usable(name: ProviderName, capability?: MediaCapability, field?: string[]): Result<MediaProviderAdapter> {
    const provider = this.get(name);
    if (!provider.configured) {
      return fail('PROVIDER_NOT_CONFIGURED', `The provider ${name} is not configured`, { provider: name });
    }
    if (capability && !provider.capabilities.has(capability)) {
      return fail('UNSUPPORTED_BY_PROVIDER', `The provider ${name} does not support ${capability}`, {
        provider: name,
        field,
      });
    }
    return ok(provider);
  }

  /**
   * UNSUPPORTED_BY_PROVIDER naming the first input field (of `input`) that
   * needs a capability the provider lacks: a field is never dropped silently.
   */
  canStore(provider: MediaProviderAdapter, needed: readonly (readonly [MediaCapability, string])[]): Result<void> {
    for (const [capability, field] of needed) {
      if (!provider.capabilities.has(capability)) {
        return fail('UNSUPPORTED_BY_PROVIDER', `The provider ${provider.name} cannot store ${field}`, {
          field: ['input', field],
          provider: provider.name,
        });
      }
    }
    return ok(undefined);
  }

  /** UNSUPPORTED_MEDIA_TYPE when the provider cannot store images of `type` (SuperOffice's short list). */
  checkImageType(provider: MediaProviderAdapter, type: string, field?: string[]): Result<string> {
    const accepted = provider.acceptedImageTypes;
    if (accepted && !accepted.has(type)) {
      return fail('UNSUPPORTED_MEDIA_TYPE', `${provider.name} stores only ${[...accepted].join(', ')}, not ${type}`, {
        field,
        provider: provider.name,
      });
    }
    return ok(type);
  }
}
