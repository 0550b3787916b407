import type { ReadModelStore, SqlTx } from '../../application/ports/read-model-store';

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

/** A notification on its way to one endpoint. */
export interface Delivery {
  readonly id: string;
  readonly endpoint: string;
  readonly type: string;
  readonly payload: string;
  readonly eventPosition: number;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly deliveredAt: string | null;
}

export async function createOutbox(tx: SqlTx): Promise<void> {
  await tx.run(`CREATE TABLE IF NOT EXISTS webhook_outbox (
    id TEXT PRIMARY KEY, endpoint TEXT NOT NULL, type TEXT NOT NULL, payload TEXT NOT NULL, event_position BIGINT NOT NULL,
    status TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_at TEXT NOT NULL, lease_until TEXT, last_error TEXT,
    created_at TEXT NOT NULL, delivered_at TEXT)`);
  await tx.run('CREATE INDEX IF NOT EXISTS webhook_outbox_due ON webhook_outbox (status, next_attempt_at)');
}

interface Row {
  id: string;
  endpoint: string;
  type: string;
  payload: string;
  event_position: number | string;
  status: DeliveryStatus;
  attempts: number | string;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

const view = (r: Row): Delivery => ({
  id: r.id,
  endpoint: r.endpoint,
  type: r.type,
  payload: r.payload,
  eventPosition: Number(r.event_position),
  status: r.status,
  attempts: Number(r.attempts),
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
});

const COLUMNS = 'id, endpoint, type, payload, event_position, status, attempts, next_attempt_at, last_error, created_at, delivered_at';

/**
 * On PostgreSQL, rows another node is claiming right now are skipped rather than read: under READ
 * COMMITTED both would otherwise read the same due rows before either leased them. SQLite runs
 * one write transaction at a time, so its claims never overlap.
 */
export const skipLocked = (tx: SqlTx): string => (tx.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '');

/**
 * Takes up to `limit` deliveries that are due and not leased by another node, and leases them
 * until `leaseUntil`; the read-model transaction keeps two nodes from taking the same one.
 */
export async function claimDue(rm: ReadModelStore, now: Date, leaseUntil: Date, limit: number): Promise<Delivery[]> {
  return rm.transaction(async (tx) => {
    const rows = await tx.all<Row>(
      `SELECT ${COLUMNS} FROM webhook_outbox WHERE status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)
       ORDER BY next_attempt_at, id LIMIT ${Math.trunc(limit)}${skipLocked(tx)}`,
      [now.toISOString(), now.toISOString()],
    );
    for (const r of rows) await tx.run('UPDATE webhook_outbox SET lease_until = ? WHERE id = ?', [leaseUntil.toISOString(), r.id]);
    return rows.map(view);
  });
}

/** What one attempt came to. */
export type Outcome =
  | { readonly kind: 'delivered'; readonly at: Date }
  | { readonly kind: 'retry'; readonly at: Date; readonly nextAttemptAt: Date; readonly error: string }
  | { readonly kind: 'dead'; readonly at: Date; readonly error: string };

export async function recordOutcome(rm: ReadModelStore, id: string, attempts: number, outcome: Outcome): Promise<void> {
  await rm.transaction(async (tx) => {
    if (outcome.kind === 'delivered')
      await tx.run(
        "UPDATE webhook_outbox SET status = 'delivered', attempts = ?, delivered_at = ?, lease_until = NULL, last_error = NULL WHERE id = ?",
        [attempts, outcome.at.toISOString(), id],
      );
    else
      await tx.run(
        'UPDATE webhook_outbox SET status = ?, attempts = ?, next_attempt_at = ?, lease_until = NULL, last_error = ? WHERE id = ?',
        [
          outcome.kind === 'dead' ? 'dead' : 'pending',
          attempts,
          (outcome.kind === 'retry' ? outcome.nextAttemptAt : outcome.at).toISOString(),
          outcome.error.slice(0, 500),
          id,
        ],
      );
  });
}

/** The outbox, newest first: all of it, or one status. */
export async function listDeliveries(rm: ReadModelStore, status: DeliveryStatus | undefined, limit: number): Promise<Delivery[]> {
  const rows = await rm.query<Row>(
    `SELECT ${COLUMNS} FROM webhook_outbox ${status ? 'WHERE status = ?' : ''} ORDER BY created_at DESC, id DESC LIMIT ${Math.trunc(limit)}`,
    status ? [status] : [],
  );
  return rows.map(view);
}

/** Puts dead (or named) deliveries back in line with fresh attempts; returns how many. */
export async function replay(
  rm: ReadModelStore,
  which: { readonly ids?: readonly string[]; readonly allDead?: boolean },
  now: Date,
): Promise<number> {
  return rm.transaction(async (tx) => {
    const ids =
      which.allDead === true
        ? (await tx.all<{ id: string }>("SELECT id FROM webhook_outbox WHERE status = 'dead'")).map((r) => r.id)
        : [...(which.ids ?? [])];
    let n = 0;
    for (const id of ids) {
      const found = await tx.get<{ id: string }>('SELECT id FROM webhook_outbox WHERE id = ?', [id]);
      if (!found) throw new Error(`no notification ${id} in the outbox`);
      await tx.run(
        "UPDATE webhook_outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, lease_until = NULL, delivered_at = NULL WHERE id = ?",
        [now.toISOString(), id],
      );
      n++;
    }
    return n;
  });
}
