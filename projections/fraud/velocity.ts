import { Decimal } from '../../core/money';
import { countryOf } from '../../core/e164';
import { accountStreamCodec, type AccountStreamEvent } from '../../core/wallet';
import type { RecordedEvent } from '../../core/events/envelope';
import { RECENT_LIMIT, RECENT_MINUTES, type Activity, type ActivityView, type VelocityRule } from '../../core/fraud/velocity';
import { evidenceSchema } from '../../core/fraud/events';
import { suspicionIdOf } from '../../core/fraud/decide';
import type { Projection } from '../../application/ports/projection';
import type { SqlTx } from '../../application/ports/read-model-store';

const HOUR = 3_600_000;
const HISTORY_HOURS = 30 * 24;

interface AccountRow {
  country: string;
  currency: string;
  opened_ms: number | string;
  clears: number | string;
  cleared_ms: number | string;
}

async function createTables(tx: SqlTx): Promise<void> {
  await tx.run(`CREATE TABLE IF NOT EXISTS velocity_accounts (number TEXT PRIMARY KEY, country TEXT NOT NULL, currency TEXT NOT NULL,
    opened_ms BIGINT NOT NULL, clears INTEGER NOT NULL, cleared_ms BIGINT NOT NULL)`);
  await tx.run(`CREATE TABLE IF NOT EXISTS velocity_activity (number TEXT NOT NULL, ref TEXT NOT NULL, kind TEXT NOT NULL, at_ms BIGINT NOT NULL,
    destination TEXT NOT NULL, country TEXT NOT NULL, seconds DOUBLE PRECISION, amount TEXT NOT NULL, charged_ms BIGINT,
    PRIMARY KEY (number, ref))`);
  await tx.run('CREATE INDEX IF NOT EXISTS velocity_activity_time ON velocity_activity (number, at_ms)');
  await tx.run(`CREATE TABLE IF NOT EXISTS velocity_hourly (number TEXT NOT NULL, hour_ms BIGINT NOT NULL, spend TEXT NOT NULL,
    PRIMARY KEY (number, hour_ms))`);
  // what the rules found, for the engine to record on the accounts' streams (adapters/fraud/suspicion-raiser.ts)
  await tx.run(`CREATE TABLE IF NOT EXISTS fraud_hits (number TEXT NOT NULL, suspicion_id TEXT NOT NULL, rule TEXT NOT NULL,
    epoch INTEGER NOT NULL, summary TEXT NOT NULL, evidence TEXT NOT NULL, at TEXT NOT NULL, status TEXT NOT NULL,
    PRIMARY KEY (number, suspicion_id))`);
  await tx.run('CREATE INDEX IF NOT EXISTS fraud_hits_status ON fraud_hits (status, at)');
}

const digits = (e164: string) => e164.replace(/^\+/, '');

async function addSpend(tx: SqlTx, number: string, atMs: number, amount: string): Promise<void> {
  if (new Decimal(amount).isZero()) return;
  const hour = Math.floor(atMs / HOUR) * HOUR;
  const row = await tx.get<{ spend: string }>('SELECT spend FROM velocity_hourly WHERE number = ? AND hour_ms = ?', [number, hour]);
  if (row)
    await tx.run('UPDATE velocity_hourly SET spend = ? WHERE number = ? AND hour_ms = ?', [
      new Decimal(row.spend).plus(amount).toFixed(),
      number,
      hour,
    ]);
  else await tx.run('INSERT INTO velocity_hourly (number, hour_ms, spend) VALUES (?, ?, ?)', [number, hour, amount]);
  await tx.run('DELETE FROM velocity_hourly WHERE number = ? AND hour_ms < ?', [number, hour - (HISTORY_HOURS + 24) * HOUR]);
}

/** Charges per hour before the last full hour, over the account's life up to 30 days. */
async function history(tx: SqlTx, number: string, now: number, openedMs: number): Promise<ActivityView['history']> {
  const end = Math.floor(now / HOUR) * HOUR - HOUR;
  const start = Math.max(Math.floor(openedMs / HOUR) * HOUR, end - HISTORY_HOURS * HOUR);
  const rows = await tx.all<{ spend: string }>('SELECT spend FROM velocity_hourly WHERE number = ? AND hour_ms >= ? AND hour_ms < ?', [
    number,
    start,
    end,
  ]);
  return { spend: rows.reduce((sum, r) => sum.plus(r.spend), new Decimal(0)), hours: Math.max(0, (end - start) / HOUR) };
}

async function evaluate(tx: SqlTx, rules: readonly VelocityRule[], number: string, now: number, charge: boolean): Promise<void> {
  const account = await tx.get<AccountRow>(
    'SELECT country, currency, opened_ms, clears, cleared_ms FROM velocity_accounts WHERE number = ?',
    [number],
  );
  if (!account) return;
  const epoch = Number(account.clears);
  const raised = new Set(
    (await tx.all<{ rule: string }>('SELECT rule FROM fraud_hits WHERE number = ? AND epoch = ?', [number, epoch])).map((r) => r.rule),
  );
  // a flood holds the account already: reading thousands of rows again on each event buys nothing
  if (raised.has(FLOOD)) return;
  const pending = rules.filter((r) => !raised.has(r.name));
  if (pending.length === 0) return;
  const since = Math.max(now - RECENT_MINUTES * 60_000, Number(account.cleared_ms));
  // the newest, not the oldest: padding the hour with cheap attempts must not push the rest out of sight
  const rows = await tx.all<ActivityRow>(
    `SELECT kind, at_ms, destination, country, seconds, amount, charged_ms FROM velocity_activity
     WHERE number = ? AND (at_ms > ? OR charged_ms > ?) ORDER BY at_ms DESC, ref DESC LIMIT ${RECENT_LIMIT}`,
    [number, since, since],
  );
  const recent: Activity[] = rows.reverse().map(activityOf);
  if (rows.length >= RECENT_LIMIT && !raised.has(FLOOD))
    await hit(tx, number, FLOOD, epoch, now, {
      summary: `${RECENT_LIMIT} or more paid calls, texts or charges within ${RECENT_MINUTES} minutes`,
      evidence: { atLeast: RECENT_LIMIT, minutes: RECENT_MINUTES },
    });
  const view: ActivityView = {
    number,
    country: account.country,
    currency: account.currency,
    now,
    recent,
    history: charge ? await history(tx, number, now, Number(account.opened_ms)) : null,
  };
  for (const rule of pending) {
    const found = rule.evaluate(view);
    if (found) await hit(tx, number, rule.name, epoch, now, found);
  }
}

/** The built-in rule no configuration turns off: more activity in an hour than the rules can read. */
const FLOOD = 'activity-flood';

type ActivityRow = {
  kind: string;
  at_ms: number | string;
  destination: string;
  country: string;
  seconds: number | null;
  amount: string;
  charged_ms: number | string | null;
};

const activityOf = (r: ActivityRow): Activity => ({
  kind: r.kind === 'sms' ? 'sms' : r.kind === 'charge' ? 'charge' : 'call',
  at: Number(r.at_ms),
  destination: r.destination,
  country: r.country,
  seconds: r.seconds === null ? null : Number(r.seconds),
  amount: r.amount,
  chargedAt: r.charged_ms === null ? null : Number(r.charged_ms),
});

/**
 * A rule's hit, for the engines to record. Its evidence must be what FraudSuspected may carry:
 * a provider's rule that answers something else is recorded without its evidence, never as a row
 * that would fail to record and hold back the hits behind it.
 */
async function hit(
  tx: SqlTx,
  number: string,
  rule: string,
  epoch: number,
  now: number,
  found: { summary: string; evidence: unknown },
): Promise<void> {
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

async function activity(tx: SqlTx, number: string, a: { ref: string; kind: 'call' | 'sms'; at: number; to: string }): Promise<void> {
  await tx.run(
    `INSERT INTO velocity_activity (number, ref, kind, at_ms, destination, country, seconds, amount) VALUES (?, ?, ?, ?, ?, ?, NULL, '0')
     ON CONFLICT (number, ref) DO NOTHING`,
    [number, a.ref, a.kind, a.at, digits(a.to), countryOf(a.to)],
  );
  // the rules look back an hour at most: older rows go as new ones come (a call still up, uncharged, stays a day)
  const cutoff = a.at - 2 * RECENT_MINUTES * 60_000;
  await tx.run('DELETE FROM velocity_activity WHERE number = ? AND COALESCE(charged_ms, at_ms + 86400000) < ?', [number, cutoff]);
}

async function applyOne(e: AccountStreamEvent, r: RecordedEvent, rules: readonly VelocityRule[], tx: SqlTx): Promise<void> {
  const number = r.stream.slice('account-'.length);
  const ms = (at: string) => Date.parse(at);
  switch (e.type) {
    case 'AccountOpened':
      await tx.run(
        `INSERT INTO velocity_accounts (number, country, currency, opened_ms, clears, cleared_ms) VALUES (?, ?, ?, ?, 0, 0)
         ON CONFLICT (number) DO NOTHING`,
        [number, countryOf(number), e.data.currency, ms(r.recordedAt)],
      );
      return;
    case 'FraudCleared':
      await tx.run('UPDATE velocity_accounts SET clears = clears + 1, cleared_ms = ? WHERE number = ?', [ms(e.data.at), number]);
      return;
    case 'CallAuthorized':
      if (e.data.route !== 'pstn') return;
      await activity(tx, number, { ref: `call:${e.data.callId}`, kind: 'call', at: ms(e.data.at), to: e.data.destination });
      return evaluate(tx, rules, number, ms(e.data.at), false);
    case 'CallFailed':
      await tx.run('UPDATE velocity_activity SET seconds = 0 WHERE number = ? AND ref = ?', [number, `call:${e.data.callId}`]);
      return evaluate(tx, rules, number, ms(e.data.endedAt), false);
    case 'CallCharged':
      if (e.data.route !== 'pstn') return;
      // an upsert: a call longer than the rows are kept may have lost its row while it was up
      await tx.run(
        `INSERT INTO velocity_activity (number, ref, kind, at_ms, destination, country, seconds, amount, charged_ms)
         VALUES (?, ?, 'call', ?, ?, ?, ?, ?, ?)
         ON CONFLICT (number, ref) DO UPDATE SET seconds = excluded.seconds, amount = excluded.amount, charged_ms = excluded.charged_ms`,
        [
          number,
          `call:${e.data.callId}`,
          ms(e.data.answeredAt ?? e.data.endedAt),
          digits(e.data.destination),
          countryOf(e.data.destination),
          e.data.seconds,
          e.data.amount,
          ms(e.data.endedAt),
        ],
      );
      await addSpend(tx, number, ms(e.data.endedAt), e.data.amount);
      return evaluate(tx, rules, number, ms(e.data.endedAt), true);
    case 'SmsAccepted':
      await activity(tx, number, { ref: `sms:${e.data.smsId}`, kind: 'sms', at: ms(e.data.at), to: e.data.to });
      return evaluate(tx, rules, number, ms(e.data.at), false);
    case 'SmsCharged':
      await tx.run('UPDATE velocity_activity SET amount = ?, charged_ms = ? WHERE number = ? AND ref = ?', [
        e.data.amount,
        ms(e.data.at),
        number,
        `sms:${e.data.smsId}`,
      ]);
      await addSpend(tx, number, ms(e.data.at), e.data.amount);
      return evaluate(tx, rules, number, ms(e.data.at), true);
    case 'WalletCharged':
      await tx.run(
        `INSERT INTO velocity_activity (number, ref, kind, at_ms, destination, country, seconds, amount, charged_ms)
         VALUES (?, ?, 'charge', ?, ?, ?, NULL, ?, ?) ON CONFLICT (number, ref) DO NOTHING`,
        [
          number,
          `charge:${e.data.chargeId}`,
          ms(e.data.at),
          e.data.destination ? digits(e.data.destination) : '',
          e.data.destination ? countryOf(e.data.destination) : 'ZZ',
          e.data.amount,
          ms(e.data.at),
        ],
      );
      await addSpend(tx, number, ms(e.data.at), e.data.amount);
      return evaluate(tx, rules, number, ms(e.data.at), true);
    default:
      return;
  }
}

/**
 * The velocity rules' view of every account, from the log: its paid calls and texts of the last
 * two hours, what it was charged per hour over 30 days, and its reviews. Each paid call, text or
 * charge is read against every rule, as of the event's own time, so a rebuild finds the same hits.
 * A hit is a `fraud_hits` row the serving engines record as FraudSuspected; that table survives
 * a rebuild (what was raised is not the projection's to forget).
 */
export function velocityProjection(rules: readonly VelocityRule[]): Projection {
  return {
    name: 'velocity',
    version: 1,
    handles: ['AccountOpened', 'FraudCleared', 'CallAuthorized', 'CallFailed', 'CallCharged', 'SmsAccepted', 'SmsCharged', 'WalletCharged'],
    setup: createTables,
    async reset(tx) {
      for (const table of ['velocity_accounts', 'velocity_activity', 'velocity_hourly']) await tx.run(`DELETE FROM ${table}`);
    },
    async apply(recorded, tx) {
      await applyOne(accountStreamCodec.decode(recorded), recorded, rules, tx);
    },
  };
}
