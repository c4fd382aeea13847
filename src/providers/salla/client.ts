import { openAsBlob } from 'node:fs';
import { z } from 'zod';
import { EXTENSION_BY_TYPE } from '../../domain/content-type';
import type { Result } from '../../domain/errors';
import { endpoint, ProviderHttpClient } from '../transport/http-client';
import { providerMessage, type CallPolicy } from '../transport/provider-call';
import type { ReceivedBytes } from '../provider';

const rendition = z.object({ url: z.string(), width: z.number(), height: z.number() });

/** Salla's `ProductImagesVideos`, as far as the subgraph reads it. */
const productImage = z.object({
  id: z.union([z.number(), z.string()]),
  image: z.object({
    original: rendition,
    standard_resolution: rendition,
    low_resolution: rendition,
    thumbnail: rendition,
  }),
  sort: z.number(),
  default: z.boolean(),
  alt_seo: z.string().nullish(),
});
export type SallaProductImage = z.infer<typeof productImage>;

const updateImageResponse = z.object({ data: productImage });

/** Salla's error bodies: `{ status, success: false, error: { code, message } }`. */
function sallaMessage(body: string): string | undefined {
  try {
    const message = (JSON.parse(body) as { error?: { message?: unknown } }).error?.message;
    if (typeof message === 'string') return message;
  } catch {
    // fall through to the general reading
  }
  return providerMessage(body);
}

/** What `POST /products/images/{image-id}` is sent; `photo` is required by Salla on every call. */
export interface SallaImageUpdate {
  photo: { bytes: ReceivedBytes } | { url: string };
  alt?: string;
  sort?: number;
  default?: boolean;
}

/** A thin client over `fetch` for Salla's Merchant API; Salla publishes no official TypeScript SDK for it. */
export class SallaClient {
  private readonly http: ProviderHttpClient;

  constructor(
    private readonly accessToken: string,
    private readonly baseUrl: string,
    policy: CallPolicy,
  ) {
    this.http = new ProviderHttpClient('SALLA', policy, [accessToken], sallaMessage);
  }

  /** Replaces one product image; the form is rebuilt per attempt, the file part streamed from the spooled bytes. */
  updateImage(imageId: string, update: SallaImageUpdate): Promise<Result<SallaProductImage>> {
    return this.http
      .send({
        operation: 'POST /products/images/{image-id}',
        method: 'POST',
        url: endpoint(this.baseUrl, '/products/images/{image-id}', { 'image-id': imageId }),
        headers: { Authorization: `Bearer ${this.accessToken}`, Accept: 'application/json' },
        body: async () => {
          const form = new FormData();
          if ('bytes' in update.photo) {
            const { bytes } = update.photo;
            const file = await openAsBlob(bytes.path, { type: bytes.contentType });
            form.append('photo', file, `image.${EXTENSION_BY_TYPE[bytes.contentType] ?? 'bin'}`);
          } else {
            form.append('photo', update.photo.url);
          }
          if (update.alt !== undefined) form.append('alt', update.alt);
          if (update.sort !== undefined) form.append('sort', String(update.sort));
          if (update.default !== undefined) form.append('default', update.default ? '1' : '0');
          return form;
        },
        response: updateImageResponse,
      })
      .then((result) => (result.ok ? { ok: true as const, value: result.value.data } : result));
  }
}
