import { z } from 'zod';
import { optionalText, stripSlash, urlWithDefault } from '../../config/env';

/** The Salla variables of the contract. */
export const sallaEnv = z.object({
  SALLA_ACCESS_TOKEN: optionalText,
  SALLA_BASE_URL: urlWithDefault('https://api.salla.dev/admin/v2'),
});

/** Salla is configured when its access token (scope `products.read_write`) is set. */
export interface SallaSettings {
  accessToken: string | undefined;
  baseUrl: string;
}

export function sallaSettings(env: z.infer<typeof sallaEnv>): SallaSettings {
  return { accessToken: env.SALLA_ACCESS_TOKEN, baseUrl: stripSlash(env.SALLA_BASE_URL) };
}
