import { z } from 'zod';
import { EnvProblem, optionalText, optionalUrl, stripSlash } from '../../config/env';

/** The SuperOffice variables of the contract. */
export const superOfficeEnv = z.object({
  SUPEROFFICE_BASE_URL: optionalUrl,
  SUPEROFFICE_ACCESS_TOKEN: optionalText,
  SUPEROFFICE_USERNAME: optionalText,
  SUPEROFFICE_PASSWORD: optionalText,
  SUPEROFFICE_TICKET: optionalText,
  SUPEROFFICE_APP_TOKEN: optionalText,
});

/** How the subgraph signs in to the installation: one of the three schemes SuperOffice supports. */
export type SuperOfficeCredentials =
  | { scheme: 'Bearer'; token: string }
  | { scheme: 'Basic'; username: string; password: string }
  | { scheme: 'SoTicket'; ticket: string };

/** SuperOffice is configured when one way to sign in is set (and then the installation root must be too). */
export interface SuperOfficeSettings {
  /** The installation root, such as `https://online.superoffice.com/Cust12345`. */
  baseUrl: string | undefined;
  credentials: SuperOfficeCredentials | undefined;
  /** Sent as `SO-AppToken` when set. */
  appToken: string | undefined;
}

export function superOfficeSettings(env: z.infer<typeof superOfficeEnv>): SuperOfficeSettings | EnvProblem {
  if ((env.SUPEROFFICE_USERNAME === undefined) !== (env.SUPEROFFICE_PASSWORD === undefined)) {
    return new EnvProblem('SUPEROFFICE_USERNAME, SUPEROFFICE_PASSWORD: set both or neither');
  }
  const schemes: SuperOfficeCredentials[] = [];
  if (env.SUPEROFFICE_ACCESS_TOKEN) schemes.push({ scheme: 'Bearer', token: env.SUPEROFFICE_ACCESS_TOKEN });
  if (env.SUPEROFFICE_USERNAME && env.SUPEROFFICE_PASSWORD) {
    schemes.push({ scheme: 'Basic', username: env.SUPEROFFICE_USERNAME, password: env.SUPEROFFICE_PASSWORD });
  }
  if (env.SUPEROFFICE_TICKET) schemes.push({ scheme: 'SoTicket', ticket: env.SUPEROFFICE_TICKET });
  if (schemes.length > 1) {
    return new EnvProblem(
      'SUPEROFFICE_ACCESS_TOKEN, SUPEROFFICE_USERNAME, SUPEROFFICE_TICKET: set one way to sign in, not several',
    );
  }
  if (schemes.length === 1 && env.SUPEROFFICE_BASE_URL === undefined) {
    return new EnvProblem(
      'SUPEROFFICE_BASE_URL: required when SuperOffice credentials are set (the installation root)',
    );
  }
  return {
    baseUrl: env.SUPEROFFICE_BASE_URL === undefined ? undefined : stripSlash(env.SUPEROFFICE_BASE_URL),
    credentials: schemes[0],
    appToken: env.SUPEROFFICE_APP_TOKEN,
  };
}
