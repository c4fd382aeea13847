import { z } from 'zod';
import { optionalText, stripSlash, urlWithDefault } from '../../config/env';

/** The Kelviq variables of the contract. */
export const kelviqEnv = z.object({
  KELVIQ_API_KEY: optionalText,
  KELVIQ_BASE_URL: urlWithDefault('https://api.kelviq.com/api/v1'),
});

/** Kelviq is configured when its server API key is set. */
export interface KelviqSettings {
  apiKey: string | undefined;
  baseUrl: string;
}

export function kelviqSettings(env: z.infer<typeof kelviqEnv>): KelviqSettings {
  return { apiKey: env.KELVIQ_API_KEY, baseUrl: stripSlash(env.KELVIQ_BASE_URL) };
}
