import { minuteOf } from '../../core/rating/carrier-quality';
import type { RecordedEvent } from '../../core/events/envelope';
import type { SqlTx, SqlValue } from '../../application/ports/read-model-store';
import { insertRows, selectKeys, selectWhereIn } from '../sql-rows';
import { outcomesOf, pendingOfRow, pendingRefOf, type Outcome, type PendingCall, type PendingCalls, type StoredPending } from './outcomes';

interface Bucket {
  attempts: number;
  answered: number;
  seconds: number;
  pdd_sum: number;
  pdd_calls: number;
}

interface StoredBucket {
  carrier: string;
  prefix: string;
  minute: string;
  attempts: number | string;
  answered: number | string;
  seconds: number | string;
  pdd_sum: number | string;
  pdd_calls: number | string;
}

const BUCKET_COLUMNS = ['carrier', 'prefix', 'minute', 'attempts', 'answered', 'seconds', 'pdd_sum', 'pdd_calls'];
const PENDING_COLUMNS = ['ref', 'carriers', 'seconds', 'ended_at', 'pdd'];
const replaceAll = (key: string, columns: readonly string[]) =>
  `ON CONFLICT (${key}) DO UPDATE SET ${columns
    .filter((c) => !key.split(', ').includes(c))
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}`;

/**
 * A batch of the carrier-quality counts in memory, for a projection without a demotion policy
 * (a policy decides after every event, on the window as the table holds it then): the pending
 * calls and the minute buckets the batch touches are read up front, changed in log order, and
 * written once each. Seconds and post-dial delays are summed one outcome after another from the
 * stored value, as one upsert per outcome adds them, so the floating-point sums come out equal.
 */
export async function applyQualityBatch(events: readonly RecordedEvent[], tx: SqlTx): Promise<void> {
  const refs = [...new Set(events.map(pendingRefOf).filter((r): r is string => r !== null))];
  const stored = new Map<string, PendingCall>();
  for (const row of await selectWhereIn<StoredPending>(tx, 'SELECT * FROM quality_pending', 'ref', refs))
    stored.set(row.ref, pendingOfRow(row));
  const now = new Map<string, PendingCall | null>(refs.map((r) => [r, stored.get(r) ?? null]));
  const dirty = new Set<string>();
  const pending: PendingCalls = {
    add(ref, tried) {
      if (now.get(ref)) return;
      now.set(ref, { tried, seconds: null, ended_at: null, pdd: null });
      dirty.add(ref);
    },
    end(ref, seconds, endedAt, pdd) {
      const p = now.get(ref);
      if (!p) return;
      now.set(ref, { tried: p.tried, seconds, ended_at: endedAt, pdd });
      dirty.add(ref);
    },
    take(ref) {
      const p = now.get(ref) ?? null;
      now.set(ref, null);
      if (p) dirty.add(ref);
      return p;
    },
  };
  const outcomes: Outcome[] = [];
  for (const e of events) outcomes.push(...(await outcomesOf(e, pending)));
  await writePending(tx, stored, now, dirty);
  await count(tx, outcomes);
}

async function writePending(
  tx: SqlTx,
  stored: ReadonlyMap<string, PendingCall>,
  now: ReadonlyMap<string, PendingCall | null>,
  dirty: ReadonlySet<string>,
) {
  const rows: SqlValue[][] = [];
  for (const ref of dirty) {
    const p = now.get(ref);
    if (p) rows.push([ref, JSON.stringify(p.tried), p.seconds, p.ended_at, p.pdd]);
    else if (stored.has(ref)) await tx.run('DELETE FROM quality_pending WHERE ref = ?', [ref]);
  }
  await insertRows(tx, 'quality_pending', PENDING_COLUMNS, rows, replaceAll('ref', PENDING_COLUMNS));
}

/** Adds the outcomes to their minute buckets and failure causes. */
async function count(tx: SqlTx, outcomes: readonly Outcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  const keyed = outcomes.map((o) => ({ o, key: [o.carrier, o.prefix, minuteOf(new Date(o.at))] as const }));
  const id = (k: readonly string[]) => k.join('\u0000');
  const keys = new Map(keyed.map(({ key }) => [id(key), key]));
  const buckets = new Map<string, Bucket>();
  const rows = await selectKeys<StoredBucket>(tx, 'SELECT * FROM quality_buckets', ['carrier', 'prefix', 'minute'], [...keys.values()]);
  for (const r of rows)
    buckets.set(id([r.carrier, r.prefix, r.minute]), {
      attempts: Number(r.attempts),
      answered: Number(r.answered),
      seconds: Number(r.seconds),
      pdd_sum: Number(r.pdd_sum),
      pdd_calls: Number(r.pdd_calls),
    });
  const causes = new Map<string, { key: readonly string[]; calls: number }>();
  for (const { o, key } of keyed) {
    const b = buckets.get(id(key)) ?? { attempts: 0, answered: 0, seconds: 0, pdd_sum: 0, pdd_calls: 0 };
    buckets.set(id(key), b);
    b.attempts += 1;
    b.answered += o.answered ? 1 : 0;
    b.seconds += o.seconds;
    b.pdd_sum += o.pdd ?? 0;
    b.pdd_calls += o.pdd === null ? 0 : 1;
    if (o.cause === null) continue;
    const cause = [...key, o.cause];
    const c = causes.get(id(cause)) ?? { key: cause, calls: 0 };
    causes.set(id(cause), c);
    c.calls += 1;
  }
  const bucketRows = [...buckets].map(([k, b]) => [...keys.get(k)!, b.attempts, b.answered, b.seconds, b.pdd_sum, b.pdd_calls]);
  await insertRows(tx, 'quality_buckets', BUCKET_COLUMNS, bucketRows, replaceAll('carrier, prefix, minute', BUCKET_COLUMNS));
  await insertRows(
    tx,
    'quality_causes',
    ['carrier', 'prefix', 'minute', 'cause', 'calls'],
    [...causes.values()].map((c) => [...c.key, c.calls]),
    'ON CONFLICT (carrier, prefix, minute, cause) DO UPDATE SET calls = quality_causes.calls + excluded.calls',
  );
}
