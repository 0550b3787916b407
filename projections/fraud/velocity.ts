import { Decimal } from '../../core/money';
import { countryOf } from '../../core/e164';
import { accountStreamCodec, type AccountStreamEvent } from '../../core/wallet';
import type { RecordedEvent } from '../../core/events/envelope';
import { RECENT_LIMIT, RECENT_MINUTES, type Activity, type ActivityView, type VelocityRule } from '../../core/fraud/velocity';
import { evidenceSchema } from '../../core/fraud/events';
import { suspicionIdOf } from '../../core/fraud/decide';
import type { BatchBounds, Projection } from '../../application/ports/projection';
import type { SqlTx } from '../../application/ports/read-model-store';
import { FAILED_SMS, openBook, pruneActivity, touchActivity, touchHour, type AccountPages, type ActivityRecord } from './velocity-book';
import { createTables, VELOCITY_TABLES } from './velocity-tables';

const HOUR = 3_600_000;
const HISTORY_HOURS = 30 * 24;
/** The built-in rule no configuration turns off: more activity in an hour than the rules can read. */
const FLOOD = 'activity-flood';

const digits = (e164: string) => e164.replace(/^\+/, '');
const ms = (at: string) => Date.parse(at);

function addSpend(p: AccountPages, atMs: number, amount: string): void {
  if (new Decimal(amount).isZero()) return;
  const hour = Math.floor(atMs / HOUR) * HOUR;
  const spend = p.hourly.get(hour);
  touchHour(p, hour, spend === undefined ? amount : new Decimal(spend).plus(amount).toFixed());
  const cutoff = hour - (HISTORY_HOURS + 24) * HOUR;
  for (const h of p.hourly.keys()) if (h < cutoff) touchHour(p, h, null);
}

/** Charges per hour before the last full hour, over the account's life up to 30 days. */
function history(p: AccountPages, now: number, openedMs: number): ActivityView['history'] {
  const end = Math.floor(now / HOUR) * HOUR - HOUR;
  const start = Math.max(Math.floor(openedMs / HOUR) * HOUR, end - HISTORY_HOURS * HOUR);
  let spend = new Decimal(0);
  for (const [hour, s] of p.hourly) if (hour >= start && hour < end) spend = spend.plus(s);
  return { spend, hours: Math.max(0, (end - start) / HOUR) };
}

const activityOf = (a: ActivityRecord): Activity => ({
  kind: a.kind === 'sms' || a.kind === FAILED_SMS ? 'sms' : a.kind === 'charge' ? 'charge' : 'call',
  at: a.at,
  destination: a.destination,
  country: a.country,
  seconds: a.seconds,
  amount: a.amount,
  chargedAt: a.charged,
});

/**
 * The account's activity authorized or charged after `since`, oldest first: the newest
 * `RECENT_LIMIT` of it, not the oldest, so that padding the hour with cheap attempts cannot push
 * the rest out of sight. Ties in time are ordered by reference, as the rows' key.
 */
function recentOf(p: AccountPages, since: number): Activity[] {
  const rows: [string, ActivityRecord][] = [];
  for (const entry of p.activity) {
    const a = entry[1];
    if (a.at > since || (a.charged !== null && a.charged > since)) rows.push(entry);
  }
  rows.sort(([ra, a], [rb, b]) => a.at - b.at || (ra < rb ? -1 : ra > rb ? 1 : 0));
  return rows.slice(-RECENT_LIMIT).map(([, a]) => activityOf(a));
}

async function evaluate(tx: SqlTx, rules: readonly VelocityRule[], number: string, p: AccountPages, now: number, charge: boolean) {
  const account = p.account;
  if (!account) return;
  const epoch = account.clears;
  const raised = p.raised.get(epoch) ?? new Set<string>();
  // a flood holds the account already: reading thousands of rows again on each event buys nothing
  if (raised.has(FLOOD)) return;
  const pending = rules.filter((r) => !raised.has(r.name));
  if (pending.length === 0) return;
  const recent = recentOf(p, Math.max(now - RECENT_MINUTES * 60_000, account.clearedMs));
  const found = (rule: string, f: { summary: string; evidence: unknown }) => hit(tx, p, number, rule, epoch, now, f);
  if (recent.length >= RECENT_LIMIT)
    await found(FLOOD, {
      summary: `${RECENT_LIMIT} or more paid calls, texts or charges within ${RECENT_MINUTES} minutes`,
      evidence: { atLeast: RECENT_LIMIT, minutes: RECENT_MINUTES },
    });
  const view: ActivityView = {
    number,
    country: account.country,
    currency: account.currency,
    now,
    recent,
    history: charge ? history(p, now, account.openedMs) : null,
  };
  for (const rule of pending) {
    const f = rule.evaluate(view);
    if (f) await found(rule.name, f);
  }
}

/**
 * A rule's hit, for the engines to record. Its evidence must be what FraudSuspected may carry:
 * a provider's rule that answers something else is recorded without its evidence, never as a row
 * that would fail to record and hold back the hits behind it.
 */
async function hit(
  tx: SqlTx,
  p: AccountPages,
  number: string,
  rule: string,
  epoch: number,
  now: number,
  found: { summary: string; evidence: unknown },
): Promise<void> {
  if (!p.raised.has(epoch)) p.raised.set(epoch, new Set());
  p.raised.get(epoch)!.add(rule);
  const checked = evidenceSchema.safeParse(JSON.parse(JSON.stringify(found.evidence ?? {})));
  const evidence = checked.success ? checked.data : { unreadable: 'the rule answered evidence that is not flat JSON' };
  await tx.run(
    `INSERT INTO fraud_hits (number, suspicion_id, rule, epoch, summary, evidence, at, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'new')
     ON CONFLICT (number, suspicion_id) DO NOTHING`,
    [
      number,
      suspicionIdOf(rule, epoch),
      rule,
      epoch,
      String(found.summary).slice(0, 500),
      JSON.stringify(evidence),
      new Date(now).toISOString(),
    ],
  );
}

function activity(p: AccountPages, a: { ref: string; kind: 'call' | 'sms'; at: number; to: string }): void {
  if (!p.activity.has(a.ref))
    touchActivity(p, a.ref, {
      kind: a.kind,
      at: a.at,
      destination: digits(a.to),
      country: countryOf(a.to),
      seconds: null,
      amount: '0',
      charged: null,
    });
  // the rules look back an hour at most: older rows go as new ones come (a call still up, uncharged, stays a day)
  pruneActivity(p, a.at - 2 * RECENT_MINUTES * 60_000);
}

type Effect = 'none' | 'activity' | 'charge';

/** A text's event: accepted (new activity), failed (over, never charged) or charged. */
function applyText(
  e: Extract<AccountStreamEvent, { type: 'SmsAccepted' | 'SmsFailed' | 'SmsCharged' }>,
  p: AccountPages,
): { effect: Effect; at: number } {
  switch (e.type) {
    case 'SmsAccepted':
      activity(p, { ref: `sms:${e.data.smsId}`, kind: 'sms', at: ms(e.data.at), to: e.data.to });
      return { effect: 'activity', at: ms(e.data.at) };
    case 'SmsFailed': {
      // nothing the rules see changes (a text, never charged), so they need not read it again
      const row = p.activity.get(`sms:${e.data.smsId}`);
      if (row && row.charged === null) touchActivity(p, `sms:${e.data.smsId}`, { ...row, kind: FAILED_SMS });
      return { effect: 'none', at: 0 };
    }
    case 'SmsCharged': {
      const row = p.activity.get(`sms:${e.data.smsId}`);
      if (row) touchActivity(p, `sms:${e.data.smsId}`, { ...row, amount: e.data.amount, charged: ms(e.data.at) });
      addSpend(p, ms(e.data.at), e.data.amount);
      return { effect: 'charge', at: ms(e.data.at) };
    }
  }
}

/** Changes the account's pages for one event; whether the rules must then read it, and as a charge. */
function applyOne(e: AccountStreamEvent, r: RecordedEvent, p: AccountPages): { effect: Effect; at: number } {
  const none = { effect: 'none' as const, at: 0 };
  switch (e.type) {
    case 'AccountOpened':
      p.account ??= {
        country: countryOf(r.stream.slice('account-'.length)),
        currency: e.data.currency,
        openedMs: ms(r.recordedAt),
        clears: 0,
        clearedMs: 0,
      };
      p.accountDirty = true;
      return none;
    case 'FraudCleared':
      if (!p.account) return none;
      p.account.clears += 1;
      p.account.clearedMs = ms(e.data.at);
      p.accountDirty = true;
      return none;
    case 'CallAuthorized':
      if (e.data.route !== 'pstn') return none;
      activity(p, { ref: `call:${e.data.callId}`, kind: 'call', at: ms(e.data.at), to: e.data.destination });
      return { effect: 'activity', at: ms(e.data.at) };
    case 'CallFailed': {
      const row = p.activity.get(`call:${e.data.callId}`);
      if (row) touchActivity(p, `call:${e.data.callId}`, { ...row, seconds: 0 });
      return { effect: 'activity', at: ms(e.data.endedAt) };
    }
    case 'CallCharged': {
      if (e.data.route !== 'pstn') return none;
      const ref = `call:${e.data.callId}`;
      const charged = { seconds: e.data.seconds, amount: e.data.amount, charged: ms(e.data.endedAt) };
      const row = p.activity.get(ref);
      // an upsert: a call longer than the rows are kept may have lost its row while it was up
      touchActivity(
        p,
        ref,
        row
          ? { ...row, ...charged }
          : {
              kind: 'call',
              at: ms(e.data.answeredAt ?? e.data.endedAt),
              destination: digits(e.data.destination),
              country: countryOf(e.data.destination),
              ...charged,
            },
      );
      addSpend(p, ms(e.data.endedAt), e.data.amount);
      return { effect: 'charge', at: ms(e.data.endedAt) };
    }
    case 'SmsAccepted':
    case 'SmsFailed':
    case 'SmsCharged':
      return applyText(e, p);
    case 'WalletCharged': {
      const ref = `charge:${e.data.chargeId}`;
      const to = e.data.destination;
      if (!p.activity.has(ref))
        touchActivity(p, ref, {
          kind: 'charge',
          at: ms(e.data.at),
          destination: to ? digits(to) : '',
          country: to ? countryOf(to) : 'ZZ',
          seconds: null,
          amount: e.data.amount,
          charged: ms(e.data.at),
        });
      addSpend(p, ms(e.data.at), e.data.amount);
      return { effect: 'charge', at: ms(e.data.at) };
    }
    default:
      return none;
  }
}

const numberOf = (r: RecordedEvent) => r.stream.slice('account-'.length);
const CHARGES: ReadonlySet<string> = new Set(['CallCharged', 'SmsCharged', 'WalletCharged']);

/** A batch: its accounts' rows read once (or kept from the last), every event applied and read against the rules in memory, in order, the rows written once. */
async function applyEvents(
  events: readonly RecordedEvent[],
  rules: readonly VelocityRule[],
  tx: SqlTx,
  kept: ReadonlyMap<string, AccountPages> | null,
): Promise<ReadonlyMap<string, AccountPages>> {
  if (events.length === 0) return new Map();
  const numbers = [...new Set(events.map(numberOf))];
  const charged = [...new Set(events.filter((r) => CHARGES.has(r.type)).map(numberOf))];
  const book = await openBook(tx, numbers, charged, kept);
  for (const r of events) {
    const number = numberOf(r);
    const p = book.of(number);
    const { effect, at } = applyOne(accountStreamCodec.decode(r), r, p);
    if (effect !== 'none') await evaluate(tx, rules, number, p, at, effect === 'charge');
  }
  await book.flush();
  return book.pages;
}

/** Accounts whose rows stay in memory between batches: the busiest of the last minutes, not the whole table. */
const KEPT_ACCOUNTS = 5_000;

interface Kept {
  readonly generation: number;
  readonly through: number;
  readonly pages: Map<string, AccountPages>;
}

/**
 * Applies batches, keeping the accounts' rows between them while each batch starts where the
 * last ended (see `BatchBounds`): a live batch of calls then reads only accounts it has not met
 * lately, instead of every touched account's hours of activity again.
 */
function keepingRows(rules: readonly VelocityRule[]) {
  let kept: Kept | null = null;
  return async (events: readonly RecordedEvent[], tx: SqlTx, bounds?: BatchBounds): Promise<void> => {
    const valid = bounds && kept && kept.generation === bounds.generation && kept.through === bounds.after ? kept.pages : null;
    // until this batch has written, memory may be ahead of the tables
    kept = null;
    const touched = await applyEvents(events, rules, tx, valid);
    if (!bounds) return;
    const pages = valid ?? new Map<string, AccountPages>();
    for (const [n, p] of touched) {
      pages.delete(n); // the most recently used last
      pages.set(n, p);
    }
    for (const n of pages.keys()) {
      if (pages.size <= KEPT_ACCOUNTS) break;
      pages.delete(n);
    }
    kept = { generation: bounds.generation, through: bounds.through, pages };
  };
}

/**
 * The velocity rules' view of every account, from the log: its paid calls and texts of the last
 * two hours, what it was charged per hour over 30 days, and its reviews. Each paid call, text or
 * charge is read against every rule, as of the event's own time, so a rebuild finds the same hits.
 * A hit is a `fraud_hits` row the serving engines record as FraudSuspected; that table survives
 * a rebuild (what was raised is not the projection's to forget).
 */
export function velocityProjection(rules: readonly VelocityRule[]): Projection {
  const applyBatch = keepingRows(rules);
  return {
    name: 'velocity',
    version: 1,
    handles: [
      'AccountOpened',
      'FraudCleared',
      'CallAuthorized',
      'CallFailed',
      'CallCharged',
      'SmsAccepted',
      'SmsCharged',
      'SmsFailed',
      'WalletCharged',
    ],
    setup: createTables,
    async reset(tx) {
      for (const table of VELOCITY_TABLES) await tx.run(`DELETE FROM ${table}`);
    },
    apply: (recorded, tx) => applyBatch([recorded], tx),
    applyBatch,
  };
}
