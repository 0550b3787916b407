import { createHmac, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { sameSecret } from '../same-secret';
import { ed25519PublicKey } from '../signatures/key-resolver';

/**
 * The dashboard's sign-in: a link carrying a token an operator's Ed25519 key signed (printed by
 * `trunkline finance dashboard-link`), good for a few minutes and once; exchanged for a session
 * cookie the server signs with a key of its own. No password anywhere.
 */
/** A sign-in link lives at most this long (and signs in once). */
export const DASHBOARD_LINK_SECONDS = 900;
/** A dashboard session lasts a working day. */
export const DASHBOARD_SESSION_SECONDS = 8 * 3600;

const linkClaims = z.object({
  /** The operator id (as in the config's `operators`). */
  op: z.string(),
  iat: z.number().int(),
  exp: z.number().int(),
  nonce: z.string(),
});
export type LinkClaims = Readonly<z.infer<typeof linkClaims>>;

export class LinkRejected extends Error {
  override readonly name = 'LinkRejected';
}

const b64 = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export function signDashboardLink(o: { operatorId: string; privateKey: KeyObject; nowSeconds: number; ttlSeconds: number }): string {
  const claims: LinkClaims = {
    op: o.operatorId,
    iat: o.nowSeconds,
    exp: o.nowSeconds + o.ttlSeconds,
    nonce: randomBytes(12).toString('base64url'),
  };
  const payload = b64(JSON.stringify(claims));
  return `${payload}.${b64(sign(null, Buffer.from(payload), o.privateKey))}`;
}

/** The payload's claims; anything else (not JSON, `null`, a number, a list, a claim missing) is a malformed link. */
function claimsOf(payload: string): LinkClaims {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new LinkRejected('the link is malformed');
  }
  const parsed = linkClaims.safeParse(json);
  if (!parsed.success) throw new LinkRejected('the link is malformed');
  return parsed.data;
}

/** The claims of a token `publicKeyOf(op)` signed, not expired and not longer-lived than `maxTtlSeconds`. */
export function verifyDashboardLink(
  token: string,
  o: { publicKeyOf: (operatorId: string) => string | null; nowSeconds: number; maxTtlSeconds: number },
): LinkClaims {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) throw new LinkRejected('the link is malformed');
  const claims = claimsOf(payload);
  const key = o.publicKeyOf(claims.op);
  if (!key) throw new LinkRejected(`no operator ${claims.op} may open the dashboard`);
  const publicKey = ed25519PublicKey(Buffer.from(key, 'base64'));
  if (!verify(null, Buffer.from(payload), publicKey, Buffer.from(signature, 'base64url')))
    throw new LinkRejected('the link’s signature does not verify');
  if (claims.exp - claims.iat > o.maxTtlSeconds) throw new LinkRejected(`the link lives longer than ${o.maxTtlSeconds} s`);
  if (claims.exp <= o.nowSeconds) throw new LinkRejected('the link has expired: ask for a new one');
  if (claims.iat > o.nowSeconds + 60) throw new LinkRejected('the link is from the future');
  return claims;
}

/** Session cookies: `<operator>.<expiry>.<HMAC>` under a key generated at start (a restart signs everyone out). */
export function sessionSigner(key: Buffer = randomBytes(32)) {
  const mac = (body: string) => createHmac('sha256', key).update(body).digest('base64url');
  return {
    issue(operatorId: string, expiresAtSeconds: number): string {
      const body = `${b64(operatorId)}.${expiresAtSeconds}`;
      return `${body}.${mac(body)}`;
    },
    /** The operator of a valid, unexpired session; null otherwise. */
    verify(cookie: string | undefined, nowSeconds: number): string | null {
      if (!cookie) return null;
      const [op, exp, tag] = cookie.split('.');
      if (!op || !exp || !tag) return null;
      if (!sameSecret(tag, mac(`${op}.${exp}`))) return null;
      if (!(Number(exp) > nowSeconds)) return null;
      return Buffer.from(op, 'base64url').toString('utf8');
    },
  };
}
