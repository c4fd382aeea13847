import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { UploadTarget } from '../domain/model';
import type { Signer } from '../security/signing';

const PURPOSE = 'upload-url';

const grantSchema = z.object({
  v: z.literal(1),
  kind: z.enum(['image', 'file']),
  target: z.string(),
  maxBytes: z.number().int().positive(),
  contentType: z.string().optional(),
  byteSize: z.number().int().nonnegative().optional(),
  exp: z.number().int(),
  jti: z.string(),
});

/** What an upload URL allows: bytes for one image or file, up to a size, of a type, until it expires, once. */
export type UploadGrant = z.infer<typeof grantSchema>;

/** Why a presented upload token is refused (all answered with 403). */
export type GrantRefusal = 'invalid' | 'expired';

/**
 * Issues and checks the subgraph's own upload URLs (`PUT /uploads/<token>`).
 * The token is an HMAC-signed grant; that it is used only once is kept by the
 * index's upload claims.
 */
export class UploadGrants {
  /**
   * @param onIssued told of every grant issued, so the newest one per target
   *   can be recorded and older ones refused (issuing a new URL revokes the old).
   */
  constructor(
    private readonly signer: Signer,
    private readonly ttlSeconds: number,
    private readonly publicUrl: () => string,
    private readonly onIssued: (grant: UploadGrant) => Promise<void> = () => Promise.resolve(),
    private readonly now: () => number = Date.now,
  ) {}

  async issue(grant: Omit<UploadGrant, 'v' | 'exp' | 'jti'>): Promise<{ grant: UploadGrant; target: UploadTarget }> {
    // Whole seconds, rounded up: a URL lives at least `ttlSeconds` (at most one second more), never less.
    const exp = Math.ceil(this.now() / 1000) + this.ttlSeconds;
    const full: UploadGrant = { v: 1, ...grant, exp, jti: randomUUID() };
    await this.onIssued(full);
    const token = this.signer.seal(PURPOSE, full);
    const headers = [{ name: 'Content-Type', value: grant.contentType ?? 'application/octet-stream' }];
    return {
      grant: full,
      target: { url: `${this.publicUrl()}/uploads/${token}`, method: 'PUT', headers, expiresAt: new Date(exp * 1000) },
    };
  }

  check(token: string): { ok: true; grant: UploadGrant } | { ok: false; reason: GrantRefusal } {
    const parsed = grantSchema.safeParse(this.signer.open(PURPOSE, token));
    if (!parsed.success) return { ok: false, reason: 'invalid' };
    if (parsed.data.exp * 1000 <= this.now()) return { ok: false, reason: 'expired' };
    return { ok: true, grant: parsed.data };
  }
}

/**
 * An upload URL of the subgraph itself for one image or file: at most the
 * declared size (else `maxBytes`), of the declared type when one was given.
 */
export async function subgraphUploadTarget(
  grants: UploadGrants,
  kind: UploadGrant['kind'],
  targetId: string,
  declared: { contentType?: string; byteSize?: number },
  maxBytes: number,
): Promise<UploadTarget> {
  const issued = await grants.issue({
    kind,
    target: targetId,
    maxBytes: declared.byteSize ?? maxBytes,
    contentType: declared.contentType,
    byteSize: declared.byteSize,
  });
  return issued.target;
}
