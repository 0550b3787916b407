import { Router, type Response } from 'express';
import { z } from 'zod';
import type { E164 } from '../../../core/e164';
import { smsOf } from '../../../projections/sms/queries';
import type { ReadModelStore } from '../../../application/ports/read-model-store';
import type { SmsService } from '../../../application/sms/service';
import { jsonBody, type FastRoute } from '../fast-routes';
import { HttpProblem, problem } from '../problem';
import { callerOf, requireSignature, verifiedCaller, type SignatureDeps } from '../signatures/middleware';

export interface SmsRouterDeps {
  readonly sms: SmsService;
  readonly readModels: ReadModelStore;
  readonly signatures: SignatureDeps;
  /** Resolves once the sms projection has applied `position` (false: not within the wait). */
  readonly waitForSms: (position: number) => Promise<boolean>;
}

/** Ten concatenated UCS-2 segments are 670 units; more text than this could never be sent. */
const MAX_TEXT = 1600;
const sendBody = z.object({ to: z.string().min(1).max(40), text: z.string().max(MAX_TEXT) }).strict();
const quoteBody = sendBody;
const statusQuery = z.object({ after: z.coerce.number().int().min(0).optional() }).strict();

const me = (res: Response): E164 => {
  const caller = callerOf(res);
  if (caller.kind !== 'number') throw problem('number-key-required', 403, 'Forbidden', 'a text is sent from a number’s own key');
  return caller.keyid as E164;
};

function viewer(deps: SmsRouterDeps) {
  return async (number: string, smsId: string, after: number | undefined) => {
    if (after !== undefined && !(await deps.waitForSms(after)))
      throw problem('not-yet-projected', 503, 'Service Unavailable', `the text's status has not reached position ${after} yet; retry`);
    const v = await smsOf(deps.readModels, number, smsId);
    if (!v) throw problem('unknown-sms', 404, 'Not Found', `no text ${smsId} from ${number}`);
    return v;
  };
}

/**
 * POST /v1/sms (signed, Idempotency-Key): a fast route, since texts come in bulk. 202 with the
 * text's id; the same key again answers 200 with the first outcome; 502 when no gateway took it.
 */
export function smsSendRoute(deps: SmsRouterDeps & { readonly path?: string }): FastRoute {
  const view = viewer(deps);
  return {
    method: 'POST',
    path: deps.path ?? '/v1/sms',
    limitBytes: 64 * 1024,
    async handle(request) {
      const caller = await verifiedCaller(request, request.origin, deps.signatures);
      if (caller.kind !== 'number') throw problem('number-key-required', 403, 'Forbidden', 'a text is sent from a number’s own key');
      const requestKey = request.headers['idempotency-key'];
      if (typeof requestKey !== 'string' || !requestKey)
        throw problem('idempotency-key-required', 400, 'Bad Request', 'POST /v1/sms needs an Idempotency-Key header');
      if (requestKey.length > 200) throw problem('invalid-request', 400, 'Bad Request', 'Idempotency-Key is longer than 200 characters');
      const body = sendBody.parse(jsonBody(request));
      const outcome = await deps.sms.send({ caller: caller.keyid as E164, to: body.to, text: body.text, requestKey });
      const headers = { Location: `/v1/sms/${outcome.smsId}` };
      if (outcome.replayed) {
        const first = await view(caller.keyid, outcome.smsId, outcome.position ?? undefined).catch(() => null);
        return { status: 200, headers, body: { ...outcome, ...(first ? { status: first.status, gatewayId: first.gatewayId } : {}) } };
      }
      if (outcome.status === 'failed')
        throw new HttpProblem(
          problem('sms-not-sent', 502, 'Bad Gateway', 'no gateway took the text; nothing was charged', {
            smsId: outcome.smsId,
            position: outcome.position,
          }).problem,
          headers,
        );
      return { status: 202, headers, body: outcome };
    },
  };
}

/** GET /v1/sms/{id}, POST /v1/sms/quote: both signed. */
export function smsRouter(deps: SmsRouterDeps): Router {
  const router = Router();
  const signed = requireSignature(deps.signatures);
  const view = viewer(deps);

  router.post('/quote', ...signed, async (req, res) => {
    res.json(await deps.sms.quote(quoteBody.parse(req.body ?? {})));
  });

  router.get('/:id', ...signed, async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await view(me(res), String(req.params['id']), statusQuery.parse(req.query).after));
  });
  return router;
}
