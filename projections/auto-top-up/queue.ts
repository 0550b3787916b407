import { accountStreamCodec } from '../../core/wallet';
import type { Projection } from '../../application/ports/projection';
import type { ReadModelStore, SqlTx } from '../../application/ports/read-model-store';
import type { DueTopUp } from '../../application/payments/auto-top-up';
import { skipLocked } from '../notifications/outbox';

export type QueueStatus = 'due' | 'started' | 'credited' | 'failed';

export async function createQueue(tx: SqlTx): Promise<void> {
  await tx.run(`CREATE TABLE IF NOT EXISTS auto_top_ups (
    trigger_id TEXT PRIMARY KEY, number TEXT NOT NULL, processor TEXT NOT NULL, customer_id TEXT NOT NULL,
    payment_method_id TEXT NOT NULL, amount TEXT NOT NULL, currency TEXT NOT NULL, status TEXT NOT NULL,
    payment_id TEXT, attempts INTEGER NOT NULL, next_attempt_at TEXT NOT NULL, lease_until TEXT, last_error TEXT,
    triggered_at TEXT NOT NULL)`);
  await tx.run('CREATE INDEX IF NOT EXISTS auto_top_ups_due ON auto_top_ups (status, next_attempt_at)');
  await tx.run('CREATE INDEX IF NOT EXISTS auto_top_ups_payment ON auto_top_ups (payment_id)');
}

/**
 * The top-ups the log set off, for the engine to charge: a trigger enters as due, leaves when its
 * payment is recorded, credited or failed. The table survives a rebuild (what was charged is not
 * the projection's to forget). The charge itself checks the account's stream first, and records a
 * trigger too old to charge safely as failed (application/payments/auto-top-up.ts).
 */
export function autoTopUpQueueProjection(settings: { readonly now: () => Date }): Projection {
  return {
    name: 'auto-top-ups',
    version: 1,
    handles: ['AutoTopUpTriggered', 'TopUpStarted', 'CreditPurchased', 'AutoTopUpFailed'],
    setup: createQueue,
    async reset() {
      // kept: see above
    },
    async apply(recorded, tx) {
      const e = accountStreamCodec.decode(recorded);
      switch (e.type) {
        case 'AutoTopUpTriggered': {
          const now = settings.now();
          await tx.run(
            `INSERT INTO auto_top_ups (trigger_id, number, processor, customer_id, payment_method_id, amount, currency, status, attempts, next_attempt_at, triggered_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, 'due', 0, ?, ?) ON CONFLICT (trigger_id) DO NOTHING`,
            [
              e.data.triggerId,
              recorded.stream.slice('account-'.length),
              e.data.processor,
              e.data.customerId,
              e.data.paymentMethodId,
              e.data.amount,
              e.data.currency,
              now.toISOString(),
              recorded.recordedAt,
            ],
          );
          return;
        }
        case 'TopUpStarted':
          if (e.data.autoTopUp !== undefined)
            await tx.run(
              "UPDATE auto_top_ups SET status = 'started', payment_id = ?, lease_until = NULL WHERE trigger_id = ? AND status = 'due'",
              [e.data.paymentId, e.data.autoTopUp],
            );
          return;
        case 'CreditPurchased':
          await tx.run("UPDATE auto_top_ups SET status = 'credited' WHERE payment_id = ?", [e.data.paymentId]);
          return;
        case 'AutoTopUpFailed':
          await tx.run(
            "UPDATE auto_top_ups SET status = 'failed', payment_id = ?, last_error = ?, lease_until = NULL WHERE trigger_id = ?",
            [e.data.paymentId, `${e.data.code}: ${e.data.reason}`.slice(0, 500), e.data.triggerId],
          );
          return;
        default:
          return;
      }
    },
  };
}

interface Row {
  trigger_id: string;
  number: string;
  processor: string;
  customer_id: string;
  payment_method_id: string;
  amount: string;
  currency: string;
  attempts: number | string;
  triggered_at: string;
}

export interface ClaimedTopUp extends DueTopUp {
  readonly attempts: number;
}

/** Leases up to `limit` due triggers to this node until `leaseUntil`, as the webhook outbox does. */
export async function claimDueTopUps(rm: ReadModelStore, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedTopUp[]> {
  return rm.transaction(async (tx) => {
    const rows = await tx.all<Row>(
      `SELECT trigger_id, number, processor, customer_id, payment_method_id, amount, currency, attempts, triggered_at FROM auto_top_ups
       WHERE status = 'due' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_attempt_at LIMIT ${Math.trunc(limit)}${skipLocked(tx)}`,
      [now.toISOString(), now.toISOString()],
    );
    for (const r of rows)
      await tx.run('UPDATE auto_top_ups SET lease_until = ? WHERE trigger_id = ?', [leaseUntil.toISOString(), r.trigger_id]);
    return rows.map((r) => ({
      triggerId: r.trigger_id,
      number: r.number,
      processor: r.processor,
      customerId: r.customer_id,
      paymentMethodId: r.payment_method_id,
      amount: r.amount,
      currency: r.currency,
      attempts: Number(r.attempts),
      triggeredAt: r.triggered_at,
    }));
  });
}

/** After an attempt the processor did not answer: try again at `nextAttemptAt`. */
export async function retryTopUpAt(
  rm: ReadModelStore,
  triggerId: string,
  attempts: number,
  nextAttemptAt: Date,
  error: string,
): Promise<void> {
  await rm.transaction((tx) =>
    tx.run(
      "UPDATE auto_top_ups SET attempts = ?, next_attempt_at = ?, lease_until = NULL, last_error = ? WHERE trigger_id = ? AND status = 'due'",
      [attempts, nextAttemptAt.toISOString(), error.slice(0, 500), triggerId],
    ),
  );
}

/** A trigger the stream says is settled already: out of the line (the projection will say how). */
export async function dropFromLine(rm: ReadModelStore, triggerId: string): Promise<void> {
  await rm.transaction((tx) =>
    tx.run("UPDATE auto_top_ups SET lease_until = NULL, next_attempt_at = '9999' WHERE trigger_id = ? AND status = 'due'", [triggerId]),
  );
}
