import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { DirectoryUnavailableError } from '../../../core/directory';
import { HttpProblem, problem, sendProblem } from '../problem';
import { SpentNoncesUnavailableError, type SpentNonces } from '../../../application/ports/spent-nonces';
import { localOrigin } from '../local-origin';
import { SignatureRejected, verifySignedRequest, type Caller, type KeyResolver } from './verify-request';

export interface SignatureDeps {
  readonly resolveKeys: KeyResolver;
  readonly nonces: SpentNonces;
  readonly now: () => Date;
  readonly windowSeconds: number;
  /** scheme://host[:port] clients address; unset, the address the request came in on (a loopback listener). */
  readonly publicBaseUrl?: string;
}

/** The verified caller of a signed request. */
export function callerOf(res: Response): Caller {
  const caller = res.locals['caller'] as Caller | undefined;
  if (!caller) throw new Error('route is missing requireSignature');
  return caller;
}

/** Verifies a signed request; a refusal is a 401 problem naming the reason, a directory that cannot vouch a 503. */
export async function verifiedCaller(
  request: {
    method: string;
    url: string;
    headers: Readonly<Record<string, string | string[] | undefined>>;
    rawHeaders: readonly string[];
    body: Buffer;
  },
  origin: string,
  deps: SignatureDeps,
): Promise<Caller> {
  const url = `${deps.publicBaseUrl ?? origin}${request.url}`;
  try {
    return await verifySignedRequest(
      { method: request.method, url, headers: request.headers, rawHeaders: request.rawHeaders, body: request.body },
      deps,
    );
  } catch (error) {
    if (error instanceof SignatureRejected) throw problem(`signature-${error.reason}`, 401, 'Unauthorized', error.message);
    if (error instanceof SpentNoncesUnavailableError) {
      throw problem(
        'replay-protection-unavailable',
        503,
        'Service Unavailable',
        'the request cannot be recorded against replay now; retry',
      );
    }
    if (error instanceof DirectoryUnavailableError)
      throw problem('directory-unavailable', 503, 'Service Unavailable', error.message, { reason: error.reason });
    throw error;
  }
}

/**
 * Reads the raw body (64 KiB at most), verifies the RFC 9421 signature over it, then parses JSON:
 * a handler never sees an unverified byte.
 */
export function requireSignature(deps: SignatureDeps): RequestHandler[] {
  // no inflating: Content-Digest covers the bytes sent (RFC 9530), so an encoded body is refused (415)
  const raw = express.raw({ type: () => true, limit: '64kb', inflate: false });
  const verify = async (req: Request, res: Response, next: NextFunction) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    try {
      res.locals['caller'] = await verifiedCaller(
        { method: req.method, url: req.originalUrl, headers: req.headers, rawHeaders: req.rawHeaders, body },
        localOrigin(req.socket),
        deps,
      );
      if (body.length > 0 && /^application\/(.+\+)?json/.test(req.get('content-type') ?? '')) {
        try {
          req.body = JSON.parse(body.toString('utf8'));
        } catch {
          return sendProblem(res, problem('invalid-request', 400, 'Bad Request', 'the body is not valid JSON').problem);
        }
      } else req.body = {};
      next();
    } catch (error) {
      if (error instanceof HttpProblem) return sendProblem(res, error.problem);
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
