import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new random key for signed URLs: 32 bytes, base64url. */
export function newSigningSecret(): string {
  return randomBytes(32).toString('base64url');
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
