import { timingSafeEqual } from 'node:crypto';
import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { CallService } from '../../calls/service';
import { problem, sendProblem } from '../problem';

const callId = z.string().min(1).max(255);
const number = z.string().min(1).max(64);
/** Kamailio's `$TV(Sn)`: seconds since the epoch with microseconds, as a JSON number or string. */
const epoch = z.coerce.number().positive().nullable().optional();

const authorizeBody = z.object({ call_id: callId, caller: number, callee: number }).passthrough();
const extendBody = z.object({ call_id: callId, caller: number }).passthrough();
const cdrBody = z
  .object({
    call_id: callId,
    caller: number,
    origin: z.string().min(1).max(100).default('kamailio'),
    disposition: z.enum(['ANSWERED', 'FAILED']),
    answer_ts: epoch,
    end_ts: z.coerce.number().positive(),
    end_method: z.string().max(50).optional(),
    carrier: z.string().max(100).nullable().optional(),
    reason: z.string().max(200).optional(),
  })
  .passthrough();

/** Bearer <secret>, or Basic with the secret as password (what Kamailio's http_client sends from a URL). */
function requireHookSecret(secret: string | undefined): RequestHandler {
  const expected = secret ? Buffer.from(secret) : null;
  return (req, res, next) => {
    if (!expected)
      return sendProblem(
        res,
        problem('hooks-not-configured', 503, 'Service Unavailable', 'set sipHookSecret to enable the SIP hooks').problem,
      );
    const header = req.get('authorization') ?? '';
    const [scheme, value = ''] = header.split(' ', 2);
    const given = /^bearer$/i.test(scheme ?? '')
      ? Buffer.from(value)
      : /^basic$/i.test(scheme ?? '')
        ? Buffer.from(Buffer.from(value, 'base64').toString('utf8').split(':').slice(1).join(':'))
        : Buffer.alloc(0);
    if (given.length === expected.length && timingSafeEqual(given, expected)) return next();
    res.setHeader('WWW-Authenticate', 'Basic realm="trunkline-sip-hooks", charset="UTF-8"');
    sendProblem(res, problem('hook-unauthorized', 401, 'Unauthorized', 'the SIP hook secret is missing or wrong').problem);
  };
}

const flat = (body: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(body).map(([k, v]) => [
      k,
      v === null || ['string', 'number', 'boolean'].includes(typeof v) ? (v as string | number | boolean | null) : JSON.stringify(v),
    ]),
  );

/**
 * The SIP proxy's hooks: authorize an INVITE, extend a long call, post its CDR. Refusals are
 * problem+json with the status the proxy relays: 402 no credit, 403 suspended or blocked, 404
 * no price or route. Authenticated with the shared `sipHookSecret`.
 */
export function sipHooksRouter(deps: { calls: CallService; secret: string | undefined }): Router {
  const router = Router();
  router.use(requireHookSecret(deps.secret), express.json({ limit: '64kb' }));
  router.post('/authorize', async (req, res) => {
    const body = authorizeBody.parse(req.body);
    res.json(await deps.calls.authorize({ callId: body.call_id, caller: body.caller, destination: body.callee }));
  });
  router.post('/extend', async (req, res) => {
    const body = extendBody.parse(req.body);
    res.json(await deps.calls.extend({ callId: body.call_id, caller: body.caller }));
  });
  router.post('/cdr', async (req, res) => {
    const body = cdrBody.parse(req.body);
    const answered = body.disposition === 'ANSWERED' && typeof body.answer_ts === 'number';
    const seconds = answered ? Math.max(0, body.end_ts - body.answer_ts!) : 0;
    res.json(
      await deps.calls.cdr({
        callId: body.call_id,
        caller: body.caller,
        origin: body.origin,
        answered,
        seconds,
        answeredAt: answered ? new Date(body.answer_ts! * 1000).toISOString() : null,
        endedAt: new Date(body.end_ts * 1000).toISOString(),
        carrierId: body.carrier ?? null,
        reason: body.reason ?? body.end_method ?? body.disposition,
        raw: flat(body),
      }),
    );
  });
  return router;
}
