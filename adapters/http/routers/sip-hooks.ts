import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { CallService } from '../../../application/calls/service';
import type { RejectedFactInput } from '../../../application/facts/rejected-facts';
import { jsonBody, type FastRoute } from '../fast-routes';
import { HttpProblem, problem } from '../problem';
import { secretMatcher } from '../same-secret';

const callId = z.string().min(1).max(255);
const number = z.string().min(1).max(64);
/**
 * Kamailio's `$TV(Sn)`: seconds since the epoch with microseconds, as a JSON number or string.
 * A call's are of this century: anything else is a broken clock or field, and would not even
 * make a date (1e13 s is past the last one JavaScript has).
 */
const instant = z.coerce
  .number()
  .min(Date.UTC(2000, 0, 1) / 1000, 'must be seconds since the epoch, in 2000 or later')
  .max(Date.UTC(2100, 0, 1) / 1000, 'must be seconds since the epoch, before 2100');
/** Longer than any SIP dialog a proxy keeps up (Kamailio's dialog timeout defaults to 12 h): a clock fault, not a call. */
const MAX_CALL_SECONDS = 7 * 86_400;

const authorizeBody = z.object({ call_id: callId, caller: number, callee: number }).passthrough();
const extendBody = z.object({ call_id: callId, caller: number }).passthrough();
/** A peer's call: `peer` is the domain its verified TLS certificate names, `caller` the number it asserted. */
const inboundBody = z.object({ call_id: callId, caller: number, callee: number, peer: z.string().min(1).max(253) }).passthrough();
const cdrBody = z
  .object({
    call_id: callId,
    caller: number,
    origin: z.string().min(1).max(100).default('kamailio'),
    disposition: z.enum(['ANSWERED', 'FAILED']),
    answer_ts: instant.nullable().optional(),
    end_ts: instant,
    end_method: z.string().max(50).optional(),
    carrier: z.string().max(100).nullable().optional(),
    reason: z.string().max(200).optional(),
    /** When the proxy sent the INVITE on, and when the first 18x (or the answer) came back: the post-dial delay. */
    invite_ts: instant.optional(),
    progress_ts: instant.nullable().optional(),
  })
  .passthrough()
  .refine((b) => typeof b.answer_ts !== 'number' || (b.end_ts >= b.answer_ts && b.end_ts - b.answer_ts <= MAX_CALL_SECONDS), {
    path: ['end_ts'],
    message: `must be at or after answer_ts, and at most ${MAX_CALL_SECONDS} s after it`,
  });

/** Seconds from the INVITE to its first progress, when both are known and make sense (a clock fault gives none). */
function postDialDelay(invite: number | undefined, progress: number | null | undefined): number | null {
  if (typeof invite !== 'number' || typeof progress !== 'number') return null;
  const seconds = progress - invite;
  return seconds >= 0 && seconds <= MAX_PDD_SECONDS ? Math.round(seconds * 1000) / 1000 : null;
}
/** Longer than any INVITE transaction waits for an answer (Kamailio's fr_inv_timer is minutes): a clock fault. */
const MAX_PDD_SECONDS = 600;

/** Bearer <secret>, or Basic with the secret as password (what Kamailio's http_client sends from a URL). */
function hookSecretCheck(secret: string | undefined): (authorization: string | undefined) => void {
  const matches = secret ? secretMatcher(Buffer.from(secret)) : null;
  return (authorization) => {
    if (!matches) throw problem('hooks-not-configured', 503, 'Service Unavailable', 'set sipHookSecret to enable the SIP hooks');
    const [scheme, value = ''] = (authorization ?? '').split(' ', 2);
    const given = /^bearer$/i.test(scheme ?? '')
      ? Buffer.from(value)
      : /^basic$/i.test(scheme ?? '')
        ? Buffer.from(Buffer.from(value, 'base64').toString('utf8').split(':').slice(1).join(':'))
        : Buffer.alloc(0);
    if (matches(given)) return;
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

/** A CDR refused as invalid, as a rejected fact: one per call id and body, so a retry records nothing. */
function rejectedCdr(raw: unknown, error: z.ZodError): RejectedFactInput {
  const text = JSON.stringify(raw) ?? String(raw);
  const id = raw !== null && typeof raw === 'object' && typeof (raw as { call_id?: unknown }).call_id === 'string';
  return {
    source: 'sip-proxy',
    externalId: (id && (raw as { call_id: string }).call_id.slice(0, 255)) || 'no-call-id',
    key: [createHash('sha256').update(text).digest('hex')],
    reason: error.issues
      .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
      .join('; ')
      .slice(0, 1000),
    raw: text,
    at: new Date(),
  };
}

/**
 * The SIP proxy's hooks under `base`: authorize an INVITE, extend a long call, post its CDR, and
 * admit a peer provider's call to a user of this provider (`/inbound`).
 * Refusals are problem+json with the status the proxy relays: 402 no credit, 403 suspended or
 * blocked, 404 no price or route. Authenticated with the shared `sipHookSecret`. Fast routes:
 * they are the money path's hot loop.
 */
export function sipHookRoutes(deps: {
  calls: CallService;
  secret: string | undefined;
  base?: string;
  /** Keeps a CDR that cannot be read for review: a call may have happened that nobody charged. */
  rejectFact?: (fact: RejectedFactInput) => Promise<unknown>;
}): FastRoute[] {
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
    hook('/inbound', async (raw) => {
      const body = inboundBody.parse(raw);
      return deps.calls.inbound({ callId: body.call_id, caller: body.caller, callee: body.callee, peer: body.peer });
    }),
    hook('/cdr', async (raw) => {
      const parsed = cdrBody.safeParse(raw);
      if (!parsed.success) {
        await deps.rejectFact?.(rejectedCdr(raw, parsed.error));
        throw parsed.error;
      }
      const body = parsed.data;
      const answered = body.disposition === 'ANSWERED' && typeof body.answer_ts === 'number';
      const seconds = answered ? body.end_ts - body.answer_ts! : 0;
      return deps.calls.cdr({
        callId: body.call_id,
        caller: body.caller,
        origin: body.origin,
        answered,
        seconds,
        answeredAt: answered ? new Date(body.answer_ts! * 1000).toISOString() : null,
        endedAt: new Date(body.end_ts * 1000).toISOString(),
        carrierId: body.carrier ?? null,
        pddSeconds: postDialDelay(body.invite_ts, body.progress_ts ?? (answered ? body.answer_ts : null)),
        reason: body.reason ?? body.end_method ?? body.disposition,
        raw: flat(body),
      });
    }),
  ];
}
