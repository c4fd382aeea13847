import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

const SECRET_FILE = 'signing-secret';

/**
 * The key for upload and download URLs: `MEDIA_SIGNING_SECRET` when set, else
 * one generated on first start and kept in the data folder (mode 0600), so URLs
 * handed out before a restart keep working after it.
 */
export async function loadSigningSecret(dataDir: string, configured: string | undefined): Promise<string> {
  if (configured !== undefined) return configured;
  const file = path.join(dataDir, SECRET_FILE);
  try {
    const existing = (await fs.readFile(file, 'utf8')).trim();
    if (existing.length >= 32) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const secret = randomBytes(32).toString('base64url');
  const temp = `${file}.tmp-${process.pid}`;
  await fs.writeFile(temp, secret, { mode: 0o600, flag: 'w' });
  const handle = await fs.open(temp, 'r');
  await handle.sync();
  await handle.close();
  await fs.rename(temp, file);
  return secret;
}

/** Signs and verifies the subgraph's own tokens with HMAC-SHA256. */
export class Signer {
  constructor(private readonly secret: string) {}

  /** The HMAC of `purpose` and `text`, base64url; the purpose keeps one kind of signature from passing as another. */
  mac(purpose: string, text: string): string {
    return createHmac('sha256', this.secret).update(`${purpose}\n${text}`).digest('base64url');
  }

  /** True when `signature` is the MAC of `text`, compared in constant time. */
  check(purpose: string, text: string, signature: string): boolean {
    const expected = Buffer.from(this.mac(purpose, text));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  /** A compact token `<payload>.<signature>` carrying `payload` as JSON. */
  seal(purpose: string, payload: object): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.mac(purpose, body)}`;
  }

  /** The payload of a token sealed for `purpose`, or undefined when it is malformed or tampered with. */
  open(purpose: string, token: string): unknown {
    if (token.length > 4096) return undefined;
    const [body, signature, ...rest] = token.split('.');
    if (!body || !signature || rest.length > 0 || !this.check(purpose, body, signature)) return undefined;
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
  }
}
