import type { Logger } from 'pino';
import type { EventStore } from '../../core/event-store';
import { InvalidEventError } from '../../core/events/codec';
import { invalidPaymentFact } from '../../core/payments/fact-validity';
import type { PaymentFact } from '../../core/payments/processor';
import { recordRejectedFact } from '../facts/rejected-facts';
import type { WalletService } from '../wallet/service';

export interface WebhookFactsDeps {
  readonly wallet: WalletService;
  /** Where a fact that cannot be money is kept for review (see recordRejectedFact). */
  readonly store: EventStore;
  readonly logger: Logger;
  readonly now: () => Date;
}

/** A verified processor event: its id, its type and the payment facts it carries. */
export interface VerifiedWebhook {
  readonly processor: string;
  readonly eventId: string;
  readonly facts: readonly PaymentFact[];
  /** The body as received, kept with a rejected fact. */
  readonly raw: string;
}

export interface RecordedWebhook {
  /** Event types recorded, in order. */
  readonly recorded: string[];
  /** Why facts were kept for review instead. */
  readonly rejected: string[];
  readonly position: number | null;
}

/**
 * Records each fact of a verified processor event on the account it names, under an id derived
 * from the fact: delivered again, it records nothing. A fact that cannot be money is kept for
 * review (`FactRejected`) and acknowledged, since delivered again it would be refused again.
 */
export async function recordWebhookFacts(deps: WebhookFactsDeps, event: VerifiedWebhook): Promise<RecordedWebhook> {
  const recorded: string[] = [];
  const rejected: string[] = [];
  let position: number | null = null;
  const reject = async (paymentId: string, reason: string) => {
    deps.logger.error({ processor: event.processor, eventId: event.eventId, paymentId, reason }, 'payment fact rejected; kept for review');
    const r = await recordRejectedFact(deps.store, {
      source: event.processor,
      externalId: event.eventId,
      key: [paymentId],
      reason,
      raw: event.raw,
      at: deps.now(),
    });
    position = r.position;
    rejected.push(reason);
  };
  for (const fact of event.facts) {
    if (!fact.accountNumber) {
      deps.logger.warn(
        { processor: event.processor, eventId: event.eventId, paymentId: fact.paymentId },
        'payment names no Trunkline account; ignored',
      );
      continue;
    }
    const invalid = invalidPaymentFact(fact);
    if (invalid) {
      await reject(fact.paymentId, invalid);
      continue;
    }
    let r;
    try {
      r = await deps.wallet.applyFact(event.processor, { ...fact, accountNumber: fact.accountNumber });
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      await reject(fact.paymentId, error.message);
      continue;
    }
    position = r.position ?? position;
    for (const e of r.events) {
      recorded.push(e.type);
      if (e.type === 'TopUpMismatch')
        deps.logger.error(
          { processor: event.processor, eventId: event.eventId, data: e.data },
          'payment does not match its top-up; not credited',
        );
    }
  }
  return { recorded, rejected, position };
}
