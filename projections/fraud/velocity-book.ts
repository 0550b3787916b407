import type { SqlTx } from '../../application/ports/read-model-store';
import { deleteKeys, insertRows, selectWhereIn } from '../sql-rows';
import { movedHeap, type MovedHeap } from './moved-heap';

export interface VelocityAccount {
  readonly country: string;
  readonly currency: string;
  readonly openedMs: number;
  clears: number;
  clearedMs: number;
}

/** A row of `velocity_activity`: one paid call, text or charge. */
export interface ActivityRecord {
  readonly kind: string;
  readonly at: number;
  readonly destination: string;
  readonly country: string;
  seconds: number | null;
  amount: string;
  charged: number | null;
}

/** One account's rows as a batch reads and changes them; written back once, at the batch's end. */
export interface AccountPages {
  account: VelocityAccount | null;
  accountDirty: boolean;
  readonly activity: Map<string, ActivityRecord>;
  readonly activityDirty: Set<string>;
  readonly activityGone: Set<string>;
  /** Spend per hour (epoch ms of the hour), as stored: a decimal string. */
  readonly hourly: Map<number, string>;
  readonly hourlyDirty: Set<number>;
  readonly hourlyGone: Set<number>;
  /** Rules already raised, per review epoch (from `fraud_hits`, which outlives rebuilds). */
  readonly raised: Map<number, Set<string>>;
  /** Whether `hourly` holds the stored rows: they are read only for accounts charged. */
  hourlyRead: boolean;
  /**
   * The activity rows by when they last moved (see `lastMoved`), every row's moment as it is now
   * among the entries; null until the first pruning builds it. The pruning on each new call takes
   * only the rows due from it: a walk over every row, as before, cost an account with thousands
   * of calls up, or a day of steady traffic, a walk over all of them on each of its events.
   */
  moved: MovedHeap | null;
}

/** The row kind of a text no gateway took: still a text to the rules, but over. */
export const FAILED_SMS = 'sms-failed';

/**
 * When a row last changed what the rules see: its charge, or its start for a call or text that
 * failed (it is over, never charged); a day after its start for a call that may still be up or a
 * text still on its way.
 */
export function lastMoved(r: ActivityRecord): number {
  if (r.charged !== null) return r.charged;
  return r.seconds !== null || r.kind === FAILED_SMS ? r.at : r.at + 86_400_000;
}

type Num = number | string;
interface AccountRow {
  number: string;
  country: string;
  currency: string;
  opened_ms: Num;
  clears: Num;
  cleared_ms: Num;
}
interface ActivityRow {
  number: string;
  ref: string;
  kind: string;
  at_ms: Num;
  destination: string;
  country: string;
  seconds: Num | null;
  amount: string;
  charged_ms: Num | null;
}

/** An account's pages before anything is read of it. */
export const emptyPages = (): AccountPages => ({
  account: null,
  accountDirty: false,
  activity: new Map(),
  activityDirty: new Set(),
  activityGone: new Set(),
  hourly: new Map(),
  hourlyDirty: new Set(),
  hourlyGone: new Set(),
  raised: new Map(),
  hourlyRead: false,
  moved: null,
});

/**
 * The velocity tables of the accounts a batch touches, read in a few statements before it and
 * written in a few after it: the projection then works on memory, where it used to read an
 * account's hour of activity again for every event. `kept`: accounts' pages as the last batch
 * left them, when nothing else wrote since; only the others are read.
 */
export async function openBook(
  tx: SqlTx,
  numbers: readonly string[],
  charged: readonly string[],
  kept: ReadonlyMap<string, AccountPages> | null,
) {
  const pages = new Map<string, AccountPages>(numbers.map((n) => [n, kept?.get(n) ?? emptyPages()]));
  const of = (number: string) => pages.get(number)!;
  const unread = numbers.filter((n) => !kept?.has(n));
  const hoursUnread = charged.filter((n) => !of(n).hourlyRead);
  for (const n of hoursUnread) of(n).hourlyRead = true;
  await readPages(tx, unread, hoursUnread, of);
  return { pages, of, flush: () => flush(tx, pages) };
}

async function readPages(tx: SqlTx, numbers: readonly string[], charged: readonly string[], of: (n: string) => AccountPages) {
  for (const r of await selectWhereIn<AccountRow>(
    tx,
    'SELECT number, country, currency, opened_ms, clears, cleared_ms FROM velocity_accounts',
    'number',
    numbers,
  ))
    of(r.number).account = {
      country: r.country,
      currency: r.currency,
      openedMs: Number(r.opened_ms),
      clears: Number(r.clears),
      clearedMs: Number(r.cleared_ms),
    };
  for (const r of await selectWhereIn<ActivityRow>(
    tx,
    'SELECT number, ref, kind, at_ms, destination, country, seconds, amount, charged_ms FROM velocity_activity',
    'number',
    numbers,
  ))
    of(r.number).activity.set(r.ref, {
      kind: r.kind,
      at: Number(r.at_ms),
      destination: r.destination,
      country: r.country,
      seconds: r.seconds === null ? null : Number(r.seconds),
      amount: r.amount,
      charged: r.charged_ms === null ? null : Number(r.charged_ms),
    });
  for (const r of await selectWhereIn<{ number: string; hour_ms: Num; spend: string }>(
    tx,
    'SELECT number, hour_ms, spend FROM velocity_hourly',
    'number',
    charged,
  ))
    of(r.number).hourly.set(Number(r.hour_ms), r.spend);
  for (const r of await selectWhereIn<{ number: string; rule: string; epoch: Num }>(
    tx,
    'SELECT number, rule, epoch FROM fraud_hits',
    'number',
    numbers,
  )) {
    const raised = of(r.number).raised;
    const epoch = Number(r.epoch);
    if (!raised.has(epoch)) raised.set(epoch, new Set());
    raised.get(epoch)!.add(r.rule);
  }
}

export type VelocityBook = Awaited<ReturnType<typeof openBook>>;

/** Marks an activity row written (or deleted) at the batch's end. */
export function touchActivity(p: AccountPages, ref: string, record: ActivityRecord | null): void {
  if (record) {
    p.activity.set(ref, record);
    p.moved?.push(lastMoved(record), ref);
    p.activityDirty.add(ref);
    p.activityGone.delete(ref);
  } else if (p.activity.delete(ref)) {
    p.activityDirty.delete(ref);
    p.activityGone.add(ref);
  }
}

/**
 * Deletes the activity rows that last moved before `cutoff`, which no rule reads again: the same
 * rows a walk over all of them would delete, found from the earliest moment up. An entry whose row
 * has changed or gone since is dropped as it surfaces.
 */
export function pruneActivity(p: AccountPages, cutoff: number): void {
  const heap = (p.moved ??= movedHeapOf(p.activity));
  while (heap.earliest() < cutoff) {
    const moved = heap.earliest();
    const ref = heap.popRef();
    const row = p.activity.get(ref);
    if (row && lastMoved(row) === moved) touchActivity(p, ref, null);
  }
  // entries of rows changed since outnumber the rows: start again from the rows
  if (heap.size > 2 * p.activity.size + 64) p.moved = movedHeapOf(p.activity);
}

function movedHeapOf(activity: ReadonlyMap<string, ActivityRecord>): MovedHeap {
  const heap = movedHeap();
  for (const [ref, r] of activity) heap.push(lastMoved(r), ref);
  return heap;
}

export function touchHour(p: AccountPages, hour: number, spend: string | null): void {
  if (spend !== null) {
    p.hourly.set(hour, spend);
    p.hourlyDirty.add(hour);
    p.hourlyGone.delete(hour);
  } else if (p.hourly.delete(hour)) {
    p.hourlyDirty.delete(hour);
    p.hourlyGone.add(hour);
  }
}

const ACTIVITY = ['number', 'ref', 'kind', 'at_ms', 'destination', 'country', 'seconds', 'amount', 'charged_ms'];

async function flush(tx: SqlTx, pages: ReadonlyMap<string, AccountPages>): Promise<void> {
  const accounts = [...pages].filter(([, p]) => p.accountDirty && p.account);
  await insertRows(
    tx,
    'velocity_accounts',
    ['number', 'country', 'currency', 'opened_ms', 'clears', 'cleared_ms'],
    accounts.map(([n, { account: a }]) => [n, a!.country, a!.currency, a!.openedMs, a!.clears, a!.clearedMs]),
    `ON CONFLICT (number) DO UPDATE SET country = excluded.country, currency = excluded.currency, opened_ms = excluded.opened_ms,
       clears = excluded.clears, cleared_ms = excluded.cleared_ms`,
  );
  const all = [...pages];
  await deleteKeys(
    tx,
    'velocity_activity',
    ['number', 'ref'],
    all.flatMap(([n, p]) => [...p.activityGone].map((ref) => [n, ref] as const)),
  );
  await insertRows(
    tx,
    'velocity_activity',
    ACTIVITY,
    all.flatMap(([n, p]) =>
      [...p.activityDirty].map((ref) => {
        const a = p.activity.get(ref)!;
        return [n, ref, a.kind, a.at, a.destination, a.country, a.seconds, a.amount, a.charged];
      }),
    ),
    `ON CONFLICT (number, ref) DO UPDATE SET kind = excluded.kind, at_ms = excluded.at_ms, destination = excluded.destination,
       country = excluded.country, seconds = excluded.seconds, amount = excluded.amount, charged_ms = excluded.charged_ms`,
  );
  await deleteKeys(
    tx,
    'velocity_hourly',
    ['number', 'hour_ms'],
    all.flatMap(([n, p]) => [...p.hourlyGone].map((h) => [n, h] as const)),
  );
  await insertRows(
    tx,
    'velocity_hourly',
    ['number', 'hour_ms', 'spend'],
    all.flatMap(([n, p]) => [...p.hourlyDirty].map((h) => [n, h, p.hourly.get(h)!])),
    'ON CONFLICT (number, hour_ms) DO UPDATE SET spend = excluded.spend',
  );
  for (const p of pages.values()) {
    p.accountDirty = false;
    p.activityDirty.clear();
    p.activityGone.clear();
    p.hourlyDirty.clear();
    p.hourlyGone.clear();
  }
}
