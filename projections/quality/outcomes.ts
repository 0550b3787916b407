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

export type Tried = { c: string; p: string }[];

const causeOf = (reason: string) => reason.trim().slice(0, 40) || 'unknown';

/** A call waiting for its end: the carriers tried, then what its CDR said. */
export interface PendingCall {
  readonly tried: Tried;
  readonly seconds: number | null;
  readonly ended_at: string | null;
  readonly pdd: number | null;
}

/** Where pending calls are kept: the table itself, or a batch's copy of its rows. */
export interface PendingCalls {
  /** Records a call's carriers, unless the call is already pending. */
  add(ref: string, tried: Tried): void | Promise<void>;
  /** Records how a pending call ended; nothing when it is not pending. */
  end(ref: string, seconds: number, endedAt: string, pdd: number | null): void | Promise<void>;
  /** Removes a pending call and returns it. */
  take(ref: string): PendingCall | null | Promise<PendingCall | null>;
}

/** The pending call an event concerns, if any. */
export function pendingRefOf(recorded: RecordedEvent): string | null {
  const e = accountStreamCodec.decode(recorded);
  switch (e.type) {
    case 'CallAuthorized':
    case 'CallCharged':
    case 'CarrierCostRecorded':
    case 'CallFailed':
      return `${e.data.accountId}:${e.data.callId}`;
    default:
      return null;
  }
}

/**
 * What an event says about carriers, from the calls' own events: `CallAuthorized` lists the
 * carriers in the order the proxy tries them; `CallFailed` counts a failed attempt for the first
 * (a failed CDR names no carrier, only the last reply code); `CarrierCostRecorded` names the
 * carrier that carried the call: it answered, and each carrier before it in the list failed over.
 * A call whose reservation lapsed stays pending: a late CDR still ends it.
 */
export async function outcomesOf(recorded: RecordedEvent, pending: PendingCalls): Promise<Outcome[]> {
  const e = accountStreamCodec.decode(recorded);
  switch (e.type) {
    case 'CallAuthorized': {
      if (e.data.route !== 'pstn' || e.data.carriers.length === 0) return [];
      await pending.add(
        `${e.data.accountId}:${e.data.callId}`,
        e.data.carriers.map((c) => ({ c: c.carrierId, p: c.prefix })),
      );
      return [];
    }
    case 'CallCharged':
      await pending.end(`${e.data.accountId}:${e.data.callId}`, e.data.seconds, e.data.endedAt, e.data.pddSeconds ?? null);
      return [];
    case 'CarrierCostRecorded': {
      const p = await pending.take(`${e.data.accountId}:${e.data.callId}`);
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
      const p = await pending.take(`${e.data.accountId}:${e.data.callId}`);
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

/** A pending row as the databases return it (DOUBLE PRECISION may come back as text). */
export interface StoredPending {
  ref: string;
  carriers: string;
  seconds: number | string | null;
  ended_at: string | null;
  pdd: number | string | null;
}

export const pendingOfRow = (row: StoredPending): PendingCall => ({
  tried: JSON.parse(row.carriers) as Tried,
  seconds: row.seconds === null ? null : Number(row.seconds),
  ended_at: row.ended_at,
  pdd: row.pdd === null ? null : Number(row.pdd),
});

/** The pending calls in their table, one statement per change. */
export function pendingTable(tx: SqlTx): PendingCalls {
  return {
    async add(ref, tried) {
      await tx.run('INSERT INTO quality_pending (ref, carriers) VALUES (?, ?) ON CONFLICT (ref) DO NOTHING', [ref, JSON.stringify(tried)]);
    },
    async end(ref, seconds, endedAt, pdd) {
      await tx.run('UPDATE quality_pending SET seconds = ?, ended_at = ?, pdd = ? WHERE ref = ?', [seconds, endedAt, pdd, ref]);
    },
    async take(ref) {
      const row = await tx.get<StoredPending>('SELECT * FROM quality_pending WHERE ref = ?', [ref]);
      if (!row) return null;
      await tx.run('DELETE FROM quality_pending WHERE ref = ?', [ref]);
      return pendingOfRow(row);
    },
  };
}
