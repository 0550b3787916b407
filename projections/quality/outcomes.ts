import type { RecordedEvent } from '../../core/events/envelope';
import { accountStreamCodec } from '../../core/wallet';
import type { SqlTx } from '../../application/ports/read-model-store';

/** One carrier's part in one call: tried for a prefix, answered or not (and why), at the call's end. */
export interface Outcome {
  readonly carrier: string;
  readonly prefix: string;
  readonly at: string;
  readonly answered: boolean;
  readonly seconds: number;
  /** Why it did not answer: the CDR's reason (the SIP reply code from Kamailio), or `failover`. */
  readonly cause: string | null;
  /** Post-dial delay the proxy measured for the call (seconds), when it did. */
  readonly pdd: number | null;
}

export const OUTCOME_TYPES = ['CallAuthorized', 'CallCharged', 'CarrierCostRecorded', 'CallFailed'];

export const PENDING_TABLE = `CREATE TABLE IF NOT EXISTS quality_pending (
  ref TEXT PRIMARY KEY, carriers TEXT NOT NULL, seconds DOUBLE PRECISION, ended_at TEXT, pdd DOUBLE PRECISION)`;

type Tried = { c: string; p: string }[];

const causeOf = (reason: string) => reason.trim().slice(0, 40) || 'unknown';

/**
 * What an event says about carriers, from the calls' own events: `CallAuthorized` lists the
 * carriers in the order the proxy tries them; `CallFailed` counts a failed attempt for the first
 * (a failed CDR names no carrier, only the last reply code); `CarrierCostRecorded` names the
 * carrier that carried the call: it answered, and each carrier before it in the list failed over.
 * A call whose reservation lapsed stays pending: a late CDR still ends it.
 */
export async function outcomesOf(recorded: RecordedEvent, tx: SqlTx): Promise<Outcome[]> {
  const e = accountStreamCodec.decode(recorded);
  switch (e.type) {
    case 'CallAuthorized': {
      if (e.data.route !== 'pstn' || e.data.carriers.length === 0) return [];
      const tried: Tried = e.data.carriers.map((c) => ({ c: c.carrierId, p: c.prefix }));
      await tx.run('INSERT INTO quality_pending (ref, carriers) VALUES (?, ?) ON CONFLICT (ref) DO NOTHING', [
        `${e.data.accountId}:${e.data.callId}`,
        JSON.stringify(tried),
      ]);
      return [];
    }
    case 'CallCharged':
      await tx.run('UPDATE quality_pending SET seconds = ?, ended_at = ?, pdd = ? WHERE ref = ?', [
        e.data.seconds,
        e.data.endedAt,
        e.data.pddSeconds ?? null,
        `${e.data.accountId}:${e.data.callId}`,
      ]);
      return [];
    case 'CarrierCostRecorded': {
      const p = await take(tx, `${e.data.accountId}:${e.data.callId}`);
      if (!p || p.ended_at === null) return [];
      const at = p.ended_at;
      const carried = p.tried.findIndex((t) => t.c === e.data.carrierId);
      const before = carried < 0 ? [] : p.tried.slice(0, carried);
      return [
        ...before.map((t) => ({ carrier: t.c, prefix: t.p, at, answered: false, seconds: 0, cause: 'failover', pdd: null })),
        { carrier: e.data.carrierId, prefix: e.data.prefix, at, answered: true, seconds: Number(p.seconds ?? 0), cause: null, pdd: p.pdd },
      ];
    }
    case 'CallFailed': {
      const p = await take(tx, `${e.data.accountId}:${e.data.callId}`);
      const first = p?.tried[0];
      if (!first) return [];
      return [
        {
          carrier: first.c,
          prefix: first.p,
          at: e.data.endedAt,
          answered: false,
          seconds: 0,
          cause: causeOf(e.data.reason),
          pdd: e.data.pddSeconds ?? null,
        },
      ];
    }
    default:
      return [];
  }
}

async function take(
  tx: SqlTx,
  ref: string,
): Promise<{ tried: Tried; seconds: number | null; ended_at: string | null; pdd: number | null } | null> {
  const row = await tx.get<{ carriers: string; seconds: number | string | null; ended_at: string | null; pdd: number | string | null }>(
    'SELECT carriers, seconds, ended_at, pdd FROM quality_pending WHERE ref = ?',
    [ref],
  );
  if (!row) return null;
  await tx.run('DELETE FROM quality_pending WHERE ref = ?', [ref]);
  return {
    tried: JSON.parse(row.carriers) as Tried,
    seconds: row.seconds === null ? null : Number(row.seconds),
    ended_at: row.ended_at,
    pdd: row.pdd === null ? null : Number(row.pdd),
  };
}
