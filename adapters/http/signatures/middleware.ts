import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { DirectoryUnavailableError } from '../../../core/directory';
import { problem, sendProblem } from '../problem';
import type { NonceCache } from './nonce-cache';
import { SignatureRejected, verifySignedRequest, type Caller, type KeyResolver } from './verify-request';

export interface SignatureDeps {
  readonly resolveKeys: KeyResolver;
  readonly nonces: NonceCache;
  readonly now: () => Date;
  readonly windowSeconds: number;
  /** scheme://host[:port] clients address; else taken from the request (Host, and X-Forwarded-Proto behind a trusted proxy). */
  readonly publicBaseUrl?: string;
}

/** The verified caller of a signed request. */
export function callerOf(res: Response): Caller {
  const caller = res.locals['caller'] as Caller | undefined;
  if (!caller) throw new Error('route is missing requireSignature');
  return caller;
}

/**
 * Reads the raw body (64 KiB at most), verifies the RFC 9421 signature over it, then parses JSON:
 * a handler never sees an unverified byte. Failures are 401 problems naming the reason; a
 * directory that cannot vouch for a key is a 503.
 */
export function requireSignature(deps: SignatureDeps): RequestHandler[] {
  const raw = express.raw({ type: () => true, limit: '64kb' });
  const verify = async (req: Request, res: Response, next: NextFunction) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const url = `${deps.publicBaseUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`}${req.originalUrl}`;
    try {
      const caller = await verifySignedRequest({ method: req.method, url, headers: req.headers as Record<string, string>, body }, deps);
      res.locals['caller'] = caller;
      if (body.length > 0 && /^application\/(.+\+)?json/.test(req.get('content-type') ?? '')) {
        try {
          req.body = JSON.parse(body.toString('utf8'));
        } catch {
          return sendProblem(res, problem('invalid-request', 400, 'Bad Request', 'the body is not valid JSON').problem);
        }
      } else req.body = {};
      next();
    } catch (error) {
      if (error instanceof SignatureRejected)
        return sendProblem(res, problem(`signature-${error.reason}`, 401, 'Unauthorized', error.message).problem);
      if (error instanceof DirectoryUnavailableError) {
        return sendProblem(
          res,
          problem('directory-unavailable', 503, 'Service Unavailable', error.message, { reason: error.reason }).problem,
        );
      }
      next(error);
    }
  };
  return [raw, (req, res, next) => void verify(req, res, next)];
}

/** Only operators with one of `roles` may pass. */
export function requireRole(...roles: string[]): RequestHandler {
  return (_req, res, next) => {
    const caller = callerOf(res);
    if (caller.kind === 'operator' && caller.roles.some((r) => roles.includes(r))) return next();
    sendProblem(res, problem('forbidden', 403, 'Forbidden', `this needs an operator key with the role ${roles.join(' or ')}`).problem);
  };
}
