import { randomBytes, type KeyObject } from 'node:crypto';
import { Router } from 'express';
import { createSigner, httpbis } from 'http-message-signatures';
import { contentDigest } from '../signatures/content-digest';
import { localOrigin } from '../local-origin';

export interface ProviderDescriptor {
  readonly name: string;
  readonly sipDomain: string;
  readonly registrars: readonly string[];
  /** WebSocket servers of the registrar (`wss://…`), for browser and sip.js clients. */
  readonly websocket: readonly string[];
  readonly stun: readonly string[];
  readonly turn: readonly string[];
  readonly currencies: readonly string[];
  readonly freeCredit: string | null;
}

/**
 * GET /.well-known/trunkline: what a client needs to choose and use this provider, signed with the
 * provider's key (an RFC 9421 response signature over @status, content-type and content-digest),
 * so a client that pinned the key can trust a descriptor fetched from anywhere.
 */
export function providerDescriptorRouter(deps: {
  descriptor: ProviderDescriptor;
  key: KeyObject;
  publicKey: string;
  publicBaseUrl?: string;
  now: () => Date;
}): Router {
  const router = Router();
  router.get('/.well-known/trunkline', async (req, res) => {
    // never from Host: a descriptor naming an attacker's API, signed with our key, would be believed
    const api = deps.publicBaseUrl ?? localOrigin(req.socket);
    const body = Buffer.from(
      JSON.stringify({
        ...deps.descriptor,
        api,
        rateSheet: `${api}/v1/rates`,
        quotes: `${api}/v1/quotes`,
        signing: { keyid: 'provider', algorithm: 'ed25519', publicKey: deps.publicKey },
      }),
    );
    const signed = await httpbis.signMessage(
      {
        key: createSigner(deps.key, 'ed25519', 'provider'),
        fields: ['@status', 'content-type', 'content-digest'],
        params: ['created', 'keyid', 'alg', 'nonce'],
        paramValues: { created: deps.now(), nonce: randomBytes(12).toString('base64url') },
      },
      { status: 200, headers: { 'content-type': 'application/json', 'content-digest': contentDigest(body) } },
    );
    res.status(200);
    for (const [k, v] of Object.entries(signed.headers)) res.setHeader(k, v);
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.end(body);
  });
  return router;
}
