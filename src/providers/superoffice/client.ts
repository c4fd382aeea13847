import { openAsBlob } from 'node:fs';
import { z } from 'zod';
import type { Result } from '../../domain/errors';
import { endpoint, ProviderHttpClient } from '../transport/http-client';
import { providerMessage, type CallPolicy } from '../transport/provider-call';
import type { ReceivedBytes } from '../provider';
import type { SuperOfficeCredentials, SuperOfficeSettings } from './settings';

/** The blob id SuperOffice answers with: an int32 as the whole JSON body. */
const blobId = z.number().int();

/** SuperOffice's error bodies carry `ErrorMessage` or `Message`. */
function superOfficeMessage(body: string): string | undefined {
  try {
    const json = JSON.parse(body) as { ErrorMessage?: unknown; Message?: unknown };
    if (typeof json.ErrorMessage === 'string') return json.ErrorMessage;
    if (typeof json.Message === 'string') return json.Message;
  } catch {
    // fall through to the general reading
  }
  return providerMessage(body);
}

function authorization(credentials: SuperOfficeCredentials): string {
  switch (credentials.scheme) {
    case 'Bearer':
      return `Bearer ${credentials.token}`;
    case 'Basic':
      return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    case 'SoTicket':
      return `SoTicket ${credentials.ticket}`;
  }
}

/**
 * A thin client over `fetch` for SuperOffice's REST `PUT /api/v1/Product/{id}/Image`.
 * The official `@superoffice/webapi` SDK reaches product images only through
 * the `BLOB` agent (a different operation, base64 in JSON, no blob id back),
 * so it does not cover the seed's operation.
 */
export class SuperOfficeClient {
  private readonly http: ProviderHttpClient;
  private readonly headers: Record<string, string>;

  constructor(
    private readonly settings: SuperOfficeSettings & { baseUrl: string; credentials: SuperOfficeCredentials },
    policy: CallPolicy,
  ) {
    const auth = authorization(settings.credentials);
    const secrets = [auth, ...Object.values(settings.credentials).filter((v) => v !== settings.credentials.scheme)];
    if (settings.appToken) secrets.push(settings.appToken);
    this.headers = { Authorization: auth, Accept: 'application/json' };
    if (settings.appToken) this.headers['SO-AppToken'] = settings.appToken;
    this.http = new ProviderHttpClient('SUPEROFFICE', policy, secrets, superOfficeMessage);
  }

  /** Saves the product's image from the raw bytes; answers the new blob id. */
  saveProductImage(productId: string, bytes: ReceivedBytes): Promise<Result<number>> {
    return this.http.send({
      operation: 'PUT /api/v1/Product/{productId}/Image',
      method: 'PUT',
      url: endpoint(this.settings.baseUrl, '/api/v1/Product/{productId}/Image', { productId }),
      headers: { ...this.headers, 'Content-Type': bytes.contentType },
      body: () => openAsBlob(bytes.path, { type: bytes.contentType }),
      response: blobId,
    });
  }
}
