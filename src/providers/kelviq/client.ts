import { z } from 'zod';
import type { Result } from '../../domain/errors';
import { endpoint, ProviderHttpClient } from '../transport/http-client';
import { providerMessage, type CallPolicy } from '../transport/provider-call';

/** Kelviq's `ProductImage`; every property is optional in its schema. */
const productImage = z.object({
  id: z.string().optional(),
  name: z.string().nullish(),
  image: z.string().optional(),
  ordering: z.number().int().optional(),
  thumbnail: z.boolean().optional(),
  enabled: z.boolean().optional(),
});
export type KelviqProductImage = z.infer<typeof productImage>;

/** Kelviq's `ProductImageUpdateRequest`: only the fields being changed are sent. */
export interface KelviqImageUpdate {
  name?: string;
  ordering?: number;
  thumbnail?: boolean;
  enabled?: boolean;
}

/** Kelviq (a Django REST API) explains errors in `detail`. */
function kelviqMessage(body: string): string | undefined {
  try {
    const detail = (JSON.parse(body) as { detail?: unknown }).detail;
    if (typeof detail === 'string') return detail;
  } catch {
    // fall through to the general reading
  }
  return providerMessage(body);
}

/**
 * A thin client over `fetch` for Kelviq's catalog API. The official
 * `@kelviq/node-sdk` covers checkout, entitlements and reporting but not the
 * catalog's product images.
 */
export class KelviqClient {
  private readonly http: ProviderHttpClient;

  constructor(
    private readonly apiKey: string,
    private readonly baseUrl: string,
    policy: CallPolicy,
  ) {
    this.http = new ProviderHttpClient('KELVIQ', policy, [apiKey], kelviqMessage);
  }

  /** `PATCH /catalog/products/{product_pk}/image/{pk}/`. */
  updateImage(productId: string, imageId: string, update: KelviqImageUpdate): Promise<Result<KelviqProductImage>> {
    return this.http.send({
      operation: 'PATCH /catalog/products/{product_pk}/image/{pk}/',
      method: 'PATCH',
      url: endpoint(this.baseUrl, '/catalog/products/{product_pk}/image/{pk}/', { product_pk: productId, pk: imageId }),
      headers: {
        Authorization: `Bearer ${this.apiKey}`,
        Accept: 'application/json',
        'Content-Type': 'application/json',
      },
      body: () => JSON.stringify(update),
      response: productImage,
    });
  }
}
