import { Router, type RequestHandler } from 'express';
import { requireRole, requireSignature, type SignatureDeps } from './signatures/middleware';

import type { SignedAccess } from '../../application/ports/plugin-api';

/**
 * Verifies the request's signature unless a guard before it in this request did: a second
 * verification would find the nonce spent and the body already read.
 */
function signedOnce(signatures: SignatureDeps): RequestHandler {
  const verify = Router().use(...requireSignature(signatures));
  return (req, res, next) => (res.locals['caller'] ? next() : verify(req, res, next));
}

/** The handlers that let `access` through and refuse everyone else (401 unsigned, 403 without the role). */
export function guard(signatures: SignatureDeps, access: SignedAccess): RequestHandler[] {
  return [signedOnce(signatures), ...(access === 'signed' ? [] : [requireRole(...access.roles)])];
}

/** `inner` behind `guard`: every request under the router's mount path is checked, matched by a route or not. */
export function guarded(inner: Router, signatures: SignatureDeps, access: SignedAccess): Router {
  return Router().use(...guard(signatures, access), inner);
}
