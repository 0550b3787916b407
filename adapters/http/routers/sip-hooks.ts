import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { CallService } from '../../calls/service';
import { jsonBody, type FastRoute } from '../fast-routes';
import { HttpProblem, problem } from '../problem';

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
function hookSecretCheck(secret: string | undefined): (authorization: string | undefined) => void {
  const expected = secret ? Buffer.from(secret) : null;
  return (authorization) => {
    if (!expected) throw problem('hooks-not-configured', 503, 'Service Unavailable', 'set sipHookSecret to enable the SIP hooks');
    const [scheme, value = ''] = (authorization ?? '').split(' ', 2);
    const given = /^bearer$/i.test(scheme ?? '')
      ? Buffer.from(value)
      : /^basic$/i.test(scheme ?? '')
        ? Buffer.from(Buffer.from(value, 'base64').toString('utf8').split(':').slice(1).join(':'))
        : Buffer.alloc(0);
    if (given.length === expected.length && timingSafeEqual(given, expected)) return;
    throw new HttpProblem(problem('hook-unauthorized', 401, 'Unauthorized', 'the SIP hook secret is missing or wrong').problem, {
      'WWW-Authenticate': 'Basic realm="trunkline-sip-hooks", charset="UTF-8"',
    });
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
 * The SIP proxy's hooks under `base`: authorize an INVITE, extend a long call, post its CDR.
 * Refusals are problem+json with the status the proxy relays: 402 no credit, 403 suspended or
 * blocked, 404 no price or route. Authenticated with the shared `sipHookSecret`. Fast routes:
 * they are the money path's hot loop.
 */
export function sipHookRoutes(deps: { calls: CallService; secret: string | undefined; base?: string }): FastRoute[] {
  const base = deps.base ?? '/v1/hooks/sip';
  const check = hookSecretCheck(deps.secret);
  const hook = (path: string, run: (body: unknown) => Promise<unknown>): FastRoute => ({
    method: 'POST',
    path: `${base}${path}`,
    limitBytes: 64 * 1024,
    async handle(request) {
      check(request.headers.authorization);
      return { status: 200, body: await run(jsonBody(request)) };
    },
  });
  return [
    hook('/authorize', async (raw) => {
      const body = authorizeBody.parse(raw);
      return deps.calls.authorize({ callId: body.call_id, caller: body.caller, destination: body.callee });
    }),
    hook('/extend', async (raw) => {
      const body = extendBody.parse(raw);
      return deps.calls.extend({ callId: body.call_id, caller: body.caller });
    }),
    hook('/cdr', async (raw) => {
      const body = cdrBody.parse(raw);
      const answered = body.disposition === 'ANSWERED' && typeof body.answer_ts === 'number';
      const seconds = answered ? Math.max(0, body.end_ts - body.answer_ts!) : 0;
      return deps.calls.cdr({
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
      });
    }),
  ];
}
