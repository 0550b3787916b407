import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock';
import { refuseBlocked } from '../../core/blocked-prefixes';
import { DomainError } from '../../core/decider';
import { parseE164, type E164 } from '../../core/e164';
import type { EventStore } from '../../core/event-store';
import { deriveId } from '../../core/ids';
import { RECEIPT_STATUSES, type SmsLimits } from '../../core/sms/commands';
import { InvalidEventError } from '../../core/events/codec';
import { recordRejectedFact } from '../facts/rejected-facts';
import { smsGatewayStream } from '../../core/sms/events';
import { SmsGatewayError, type SmsGateway, type SmsReceipt } from '../../core/sms/gateway';
import { smsPrice } from '../../core/sms/pricing';
import { encodePart, segment, type Segmentation } from '../../core/sms/segments';
import type { RatingService, SmsRoutes } from '../rating/service';
import type { WalletService } from '../wallet/service';
import type { SmsGatewayFactory } from '../ports/sms-gateway';

/** Where a gateway's message id leads: the sender's account and the text. */
export interface MessageOwner {
  readonly number: string;
  readonly smsId: string;
}

export interface SmsServiceDeps {
  readonly wallet: WalletService;
  readonly rating: RatingService;
  readonly store: EventStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly gateways: ReadonlyMap<string, SmsGatewayFactory>;
  readonly limits: SmsLimits;
  readonly chargeDecimals: number;
  /** Destinations (digit prefixes) no one may text, as for calls. */
  /** The read model's answer (after catching up with the log) for a message id this process did not send. */
  readonly findOwner: (gatewayId: string, messageId: string) => Promise<MessageOwner | null>;
}

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

/** A text's quote: what it costs and through which gateways it would go. */
export interface SmsQuote extends Pick<Segmentation, 'encoding' | 'segments' | 'characters'> {
  readonly to: string;
  readonly currency: string;
  readonly perSegment: string | null;
  readonly perMessage: string | null;
  readonly price: string | null;
  readonly gateways: readonly string[];
}

const RECENT_OWNERS = 100_000;

/** Accept, submit with failover, charge on acceptance, refund on a failed receipt. */
export function smsService(deps: SmsServiceDeps) {
  let gateways: Map<string, SmsGateway> | null = null;
  /** Message ids this process submitted lately: receipts usually come back within seconds, before any projection. */
  const owners = new Map<string, MessageOwner>();
  /** Submissions being recorded: a receipt for one waits, or it would find the text not yet submitted. */
  const recording = new Map<string, Promise<unknown>>();

  const started = (): Map<string, SmsGateway> => {
    if (!gateways) {
      gateways = new Map();
      for (const [id, build] of deps.gateways) gateways.set(id, build({ onReceipt: receipt, logger: deps.logger.child({ gateway: id }) }));
    }
    return gateways;
  };

  function usableRoutes(routes: SmsRoutes) {
    const live = started();
    return routes.gateways.filter((g) => live.has(g.gatewayId));
  }

  /** A receipt that cannot be recorded (a status no text can have): kept for review, refunding nothing. */
  async function rejectReceipt(r: SmsReceipt, reason: string): Promise<void> {
    deps.logger.error({ gateway: r.gatewayId, messageId: r.messageId, reason }, 'receipt rejected; kept for review');
    const status = String(r.status);
    await recordRejectedFact(deps.store, {
      source: `sms-gateway:${r.gatewayId}`,
      externalId: r.messageId,
      key: [status],
      reason,
      raw: JSON.stringify({ messageId: r.messageId, status, error: r.error, at: r.at, raw: r.raw }),
      at: deps.clock.now(),
    });
  }

  async function receipt(r: SmsReceipt): Promise<void> {
    // a gateway adapter's word for the status, not checked by the type system at run time
    if (!RECEIPT_STATUSES.includes(r.status))
      return rejectReceipt(r, `status ${JSON.stringify(String(r.status))} is not one of ${RECEIPT_STATUSES.join(', ')}`);
    try {
      await recordReceipt(r);
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      await rejectReceipt(r, error.message);
    }
  }

  async function recordReceipt(r: SmsReceipt): Promise<void> {
    const key = `${r.gatewayId} ${r.messageId}`;
    // a receipt read from the same packet as its submit_sm_resp runs before the submit's continuation: let that run first
    if (!owners.has(key)) await new Promise((resolve) => setImmediate(resolve));
    const owner = owners.get(key) ?? (await deps.findOwner(r.gatewayId, r.messageId));
    if (!owner) {
      deps.logger.warn(
        { gateway: r.gatewayId, messageId: r.messageId, status: r.status },
        'receipt for an unknown message: kept for review',
      );
      await deps.store.append(
        smsGatewayStream(r.gatewayId),
        [
          {
            id: deriveId('sms-receipt-unmatched', r.gatewayId, r.messageId, r.status),
            type: 'SmsReceiptUnmatched',
            schemaVersion: 1,
            data: { gatewayId: r.gatewayId, messageId: r.messageId, status: r.status, raw: { ...r.raw }, at: r.at },
            metadata: { actor: `sms-gateway:${r.gatewayId}` },
          },
        ],
        'any',
      );
      return;
    }
    await recording.get(owner.smsId)?.catch(() => undefined);
    await deps.wallet.execute(
      owner.number,
      {
        type: 'record-sms-receipt',
        data: {
          smsId: owner.smsId,
          gatewayId: r.gatewayId,
          messageId: r.messageId,
          status: r.status,
          error: r.error,
          at: r.at,
        },
      },
      `sms-gateway:${r.gatewayId}`,
    );
  }

  return {
    receipt,

    async quote(input: { to: string; text: string }): Promise<SmsQuote> {
      const to = parseE164(input.to);
      await deps.rating.ensureCurrent();
      refuseBlocked(to, deps.rating.blockedPrefixes(), 'texts');
      const s = segment(input.text);
      const routes = deps.rating.smsRoutes(to, deps.clock.now());
      return {
        to,
        encoding: s.encoding,
        segments: s.segments,
        characters: s.characters,
        currency: routes.currency,
        perSegment: routes.retail?.perSegment ?? null,
        perMessage: routes.retail?.perMessage ?? null,
        price: routes.retail && s.segments > 0 ? smsPrice(routes.retail, s.segments, deps.chargeDecimals).toFixed() : null,
        gateways: usableRoutes(routes).map((g) => g.gatewayId),
      };
    },

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
      const candidates = usableRoutes(routes);
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
      const attempts: { gatewayId: string; error: string }[] = [];
      const live = started();
      for (const route of candidates) {
        try {
          const { messageIds } = await live.get(route.gatewayId)!.submit(message);
          for (const id of messageIds) {
            if (owners.size >= RECENT_OWNERS) owners.delete(owners.keys().next().value!);
            owners.set(`${route.gatewayId} ${id}`, { number: input.caller, smsId });
          }
          const recorded = deps.wallet.execute(
            input.caller,
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
          recording.set(smsId, recorded);
          const r = await recorded.finally(() => recording.delete(smsId));
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
        input.caller,
        { type: 'fail-sms', data: { smsId, reason: 'no gateway took the text', attempts, at: deps.clock.now().toISOString() } },
        'sms-api',
      );
      return { ...base, status: 'failed', price, gatewayId: null, replayed: false, position: r.position };
    },

    /** Releases texts accepted but never submitted (a crash between the two), so their credit is not held forever. */
    async abandon(pending: readonly MessageOwner[]): Promise<number> {
      let n = 0;
      for (const p of pending)
        n += (
          await deps.wallet.execute(
            p.number,
            {
              type: 'fail-sms',
              data: {
                smsId: p.smsId,
                reason: 'abandoned: not submitted in time',
                attempts: [],
                at: deps.clock.now().toISOString(),
              },
            },
            'sms-sweep',
          )
        ).events.length;
      return n;
    },

    async close(): Promise<void> {
      const live = gateways;
      gateways = null;
      if (live) await Promise.all([...live.values()].map((g) => g.close()));
    },
  };
}

export type SmsService = ReturnType<typeof smsService>;
