import { z } from 'zod';
import { optionalText, stripSlash, urlWithDefault } from '../../config/env';

/** The Dodo Payments variables of the contract. */
export const dodoPaymentsEnv = z.object({
  DODO_PAYMENTS_API_KEY: optionalText,
  DODO_PAYMENTS_BASE_URL: urlWithDefault('https://live.dodopayments.com'),
});

/** Dodo Payments is configured when its API key is set. */
export interface DodoPaymentsSettings {
  apiKey: string | undefined;
  baseUrl: string;
}

export function dodoPaymentsSettings(env: z.infer<typeof dodoPaymentsEnv>): DodoPaymentsSettings {
  return { apiKey: env.DODO_PAYMENTS_API_KEY, baseUrl: stripSlash(env.DODO_PAYMENTS_BASE_URL) };
}
