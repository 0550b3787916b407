import { createHash } from 'node:crypto';
import { refuseBlocked } from '../../core/blocked-prefixes';
import { riskClassOf } from '../../core/rating/risk-classes';
import { DomainError } from '../../core/decider';
import { parseE164, type E164 } from '../../core/e164';
import { deriveId } from '../../core/ids';
import { SmsGatewayError, type SmsSubmission } from '../../core/sms/gateway';
import { smsPrice } from '../../core/sms/pricing';
import { encodePart, segment, type Segmentation } from '../../core/sms/segments';
import type { SmsRoutes } from '../rating/service';
import type { SmsServiceDeps } from './deps';
import type { SmsGateways } from './gateways';
import type { RecentSubmissions } from './recent-submissions';

export interface SmsOutcome {
  readonly smsId: string;
  readonly status: 'accepted' | 'submitted' | 'failed';
  readonly from: string;
  readonly to: string;
  readonly encoding: Segmentation['encoding'];
  readonly segments: number;
  readonly price: string;
  readonly currency: string;
  readonly gatewayId: string | null;
  /** True when this request key was seen before: the answer describes the first request, nothing was sent again. */
  readonly replayed: boolean;
  readonly position: number | null;
}

/** What every answer about one text says, whichever way it went. */
type OutcomeBase = Pick<SmsOutcome, 'smsId' | 'from' | 'to' | 'encoding' | 'segments' | 'currency'>;

interface Submission {
  readonly caller: E164;
  readonly message: SmsSubmission;
  readonly candidates: readonly SmsRoutes['gateways'][number][];
  readonly base: OutcomeBase;
  readonly price: string;
}

/** Submits through each gateway in turn until one takes the text; when none does, the text fails (and is refunded). */
async function submitWithFailover(
  deps: SmsServiceDeps,
  gateways: SmsGateways,
  recent: RecentSubmissions,
  { caller, message, candidates, base, price }: Submission,
): Promise<SmsOutcome> {
  const { smsId } = message;
  const attempts: { gatewayId: string; error: string }[] = [];
  const live = gateways.started();
  for (const route of candidates) {
    try {
      const { messageIds } = await live.get(route.gatewayId)!.submit(message);
      recent.remember(route.gatewayId, messageIds, { number: caller, smsId });
      const recorded = deps.wallet.execute(
        caller,
        {
          type: 'record-sms-submission',
          data: {
            smsId,
            gatewayId: route.gatewayId,
            messageIds,
            failedOver: attempts,
            cost: { ...route.price, currency: route.currency },
            at: deps.clock.now().toISOString(),
          },
        },
        `sms-gateway:${route.gatewayId}`,
      );
      const r = await recent.track(smsId, recorded);
      return { ...base, status: 'submitted', price, gatewayId: route.gatewayId, replayed: false, position: r.position };
    } catch (error) {
      if (!(error instanceof SmsGatewayError)) throw error;
      deps.logger.warn(
        { smsId, gateway: route.gatewayId, kind: error.kind, err: error.message },
        'gateway did not take the text: failing over',
      );
      attempts.push({ gatewayId: route.gatewayId, error: error.message });
    }
  }
  const r = await deps.wallet.execute(
    caller,
    { type: 'fail-sms', data: { smsId, reason: 'no gateway took the text', attempts, at: deps.clock.now().toISOString() } },
    'sms-api',
  );
  return { ...base, status: 'failed', price, gatewayId: null, replayed: false, position: r.position };
}

/** Accept (charging the sender), then submit with failover. */
export function smsSending(deps: SmsServiceDeps, gateways: SmsGateways, recent: RecentSubmissions) {
  return {
    /** Sends a text from `caller`'s own number; `requestKey` (the Idempotency-Key) makes a retry answer, not send again. */
    async send(input: { caller: E164; to: string; text: string; requestKey: string }): Promise<SmsOutcome> {
      const to = parseE164(input.to);
      await deps.rating.ensureCurrent();
      refuseBlocked(to, deps.rating.blockedPrefixes(), 'texts');
      const smsId = deriveId('sms', input.caller, input.requestKey);
      const s = segment(input.text);
      if (s.segments === 0) throw new DomainError('empty-message', 'the text is empty');
      const at = deps.clock.now();
      const routes = deps.rating.smsRoutes(to, at);
      if (!routes.retail) throw new DomainError('unrated-destination', `there is no SMS price for ${to}`);
      const candidates = gateways.usableRoutes(routes);
      if (candidates.length === 0) throw new DomainError('no-route', `no SMS gateway reaches ${to}`);
      const accepted = await deps.wallet.execute(
        input.caller,
        {
          type: 'accept-sms',
          data: {
            smsId,
            to,
            fingerprint: createHash('sha256').update(`${to}\n${input.text}`).digest('hex'),
            segmentation: { encoding: s.encoding, segments: s.segments, characters: s.characters },
            retail: routes.retail,
            limits: deps.limits,
            chargeDecimals: deps.chargeDecimals,
            at: at.toISOString(),
            riskClass: riskClassOf(to, deps.riskPrefixes ?? {}),
            ...(deps.spendCaps ? { spendCaps: deps.spendCaps } : {}),
          },
        },
        'sms-api',
      );
      const base = {
        smsId,
        from: accepted.state.number,
        to,
        encoding: s.encoding,
        segments: s.segments,
        currency: accepted.state.currency,
      };
      if (accepted.events.length === 0) {
        // the same request again: answer with what is known, never submit twice
        const pending = accepted.state.sms.get(smsId);
        return {
          ...base,
          status: pending ? pending.status : 'submitted',
          price: pending ? pending.amount.toFixed() : smsPrice(routes.retail, s.segments, deps.chargeDecimals).toFixed(),
          gatewayId: null,
          replayed: true,
          position: accepted.position,
        };
      }
      const price = accepted.state.sms.get(smsId)!.amount.toFixed();
      const message = {
        smsId,
        from: accepted.state.number,
        to,
        encoding: s.encoding,
        text: input.text,
        parts: s.parts.map((p) => encodePart(s.encoding, p)),
      };
      return submitWithFailover(deps, gateways, recent, { caller: input.caller, message, candidates, base, price });
    },
  };
}
