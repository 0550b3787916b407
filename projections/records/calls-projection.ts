import { Decimal } from '../../core/money';
import { accountStreamCodec, type AccountStreamEvent } from '../../core/wallet';
import type { RecordedEvent } from '../../core/events/envelope';
import type { Projection } from '../../application/ports/projection';
import { CallBatch, callRow } from './call-rows';

type Of<T extends AccountStreamEvent['type']> = Extract<AccountStreamEvent, { type: T }>;

const HANDLED = [
  'CallAuthorized',
  'EmergencyCallAuthorized',
  'PeerCallReceived',
  'CallCharged',
  'CallFailed',
  'CallRerated',
  'CarrierCostRecorded',
  'ReservationExpired',
  'ChargeShortfall',
] as const;

/**
 * One row per call: who called whom, when it was authorized, answered and ended, what the proxy
 * measured and what was billed, the retail rate and sheet it was charged at, the split between
 * grants and paid credit, the carrier that carried it with its trunk and cost, and the outcome
 * (`open` until a CDR or the reservation's lapse says otherwise; `received` for a peer's call to
 * the account, whose CDR is the peer's). Rows are only inserted by the
 * authorization, so a row that retention dropped is not brought back half-filled by a late event.
 */
export const callRecordsProjection: Projection = {
  name: 'call-records',
  // 2: the caller column and peers' inbound calls
  version: 2,
  handles: HANDLED,
  async setup(tx) {
    await tx.run(`CREATE TABLE IF NOT EXISTS call_records (
      call_id TEXT NOT NULL, number TEXT NOT NULL, account_id TEXT NOT NULL, callee TEXT NOT NULL, route TEXT NOT NULL,
      authorized_at TEXT NOT NULL, answered_at TEXT, ended_at TEXT, duration_seconds TEXT, billed_seconds INTEGER,
      prefix TEXT, rate TEXT, connect_fee TEXT, sheet_version INTEGER, reserved TEXT NOT NULL, price TEXT,
      from_grants TEXT, from_paid TEXT, shortfall TEXT, currency TEXT NOT NULL, routes TEXT NOT NULL,
      carrier_id TEXT, trunk TEXT, carrier_prefix TEXT, carrier_rate TEXT, carrier_cost TEXT, carrier_currency TEXT,
      deck_version INTEGER, outcome TEXT NOT NULL, cause TEXT, origin TEXT, rerated INTEGER NOT NULL,
      position INTEGER NOT NULL, caller TEXT, PRIMARY KEY (number, call_id))`);
    await tx.run('CREATE INDEX IF NOT EXISTS call_records_time ON call_records (authorized_at, call_id)');
    await tx.run('CREATE INDEX IF NOT EXISTS call_records_number_time ON call_records (number, authorized_at, call_id)');
  },
  async reset(tx) {
    await tx.run('DELETE FROM call_records');
  },
  apply: (recorded, tx) => callRecordsProjection.applyBatch!([recorded], tx),
  async applyBatch(events, tx) {
    const decoded = events.map((r) => ({ r, e: accountStreamCodec.decode(r), number: numberOf(r) }));
    const batch = new CallBatch();
    await batch.load(
      tx,
      decoded.flatMap(({ e, number }) => {
        const callId = callIdOf(e);
        return callId === null ? [] : [[number, callId] as const];
      }),
    );
    for (const { e, r, number } of decoded) applyCallEvent(e, r, number, batch);
    await batch.write(tx);
  },
};

const numberOf = (recorded: RecordedEvent) => recorded.stream.slice('account-'.length);

/** The call an event is about, if any. */
function callIdOf(e: AccountStreamEvent): string | null {
  switch (e.type) {
    case 'CallAuthorized':
    case 'EmergencyCallAuthorized':
    case 'PeerCallReceived':
    case 'CallCharged':
    case 'CallFailed':
    case 'CallRerated':
    case 'CarrierCostRecorded':
    case 'ReservationExpired':
      return e.data.callId;
    case 'ChargeShortfall':
      return e.data.kind === 'call' ? e.data.reference : null;
    default:
      return null;
  }
}

function authorized(e: Of<'CallAuthorized'>, r: RecordedEvent, number: string, b: CallBatch): void {
  const d = e.data;
  const first = d.carriers[0];
  b.create(
    callRow({
      call_id: d.callId,
      number,
      account_id: d.accountId,
      callee: d.destination,
      route: d.route,
      authorized_at: d.at,
      prefix: d.retail?.prefix ?? null,
      rate: d.retail?.row.rate ?? null,
      connect_fee: d.retail?.row.connectFee ?? null,
      sheet_version: d.retail?.sheetVersion ?? null,
      reserved: d.reserved,
      currency: d.currency,
      routes: JSON.stringify(Object.fromEntries(d.carriers.map((c) => [c.carrierId, c.uris[0] ?? null]))),
      carrier_id: first?.carrierId ?? null,
      trunk: first?.uris[0] ?? null,
      outcome: 'open',
      cause: d.route === 'on-net' ? d.onNetUri : null,
      position: r.position,
    }),
  );
}

/** An emergency call's row: the short code dialed as the callee, nothing held or priced. */
function emergency(e: Of<'EmergencyCallAuthorized'>, r: RecordedEvent, number: string, b: CallBatch): void {
  const d = e.data;
  const first = d.carriers[0];
  b.create(
    callRow({
      call_id: d.callId,
      number,
      account_id: d.accountId,
      callee: d.dialed,
      route: 'emergency',
      authorized_at: d.at,
      reserved: '0',
      currency: d.currency,
      routes: JSON.stringify(Object.fromEntries(d.carriers.map((c) => [c.carrierId, c.uris[0] ?? null]))),
      carrier_id: first?.carrierId ?? null,
      trunk: first?.uris[0] ?? null,
      outcome: 'open',
      position: r.position,
    }),
  );
}

/** A peer provider's call to this account: the account's number is the callee, the peer's asserted number the caller, free. */
function inbound(e: Of<'PeerCallReceived'>, r: RecordedEvent, number: string, b: CallBatch): void {
  const d = e.data;
  b.create(
    callRow({
      call_id: d.callId,
      number,
      account_id: d.accountId,
      callee: number,
      caller: d.caller,
      route: 'on-net-inbound',
      authorized_at: d.at,
      reserved: '0',
      price: '0',
      currency: d.currency,
      routes: '{}',
      outcome: 'received',
      cause: d.peer,
      position: r.position,
    }),
  );
}

function carrierCost(e: Of<'CarrierCostRecorded'>, r: RecordedEvent, number: string, b: CallBatch): void {
  const d = e.data;
  const row = b.row(number, d.callId);
  if (!row) return;
  const routes = JSON.parse(row.routes) as Record<string, string | null>;
  b.change(number, d.callId, r.position, {
    carrier_id: d.carrierId,
    trunk: routes[d.carrierId] ?? null,
    carrier_prefix: d.prefix,
    carrier_rate: d.rate,
    carrier_cost: d.cost,
    carrier_currency: d.currency,
    deck_version: d.deckVersion ?? null,
  });
}

function applyCallEvent(e: AccountStreamEvent, r: RecordedEvent, number: string, b: CallBatch): void {
  switch (e.type) {
    case 'CallAuthorized':
      return authorized(e, r, number, b);
    case 'EmergencyCallAuthorized':
      return emergency(e, r, number, b);
    case 'PeerCallReceived':
      return inbound(e, r, number, b);
    case 'CallCharged':
      return b.change(number, e.data.callId, r.position, {
        answered_at: e.data.answeredAt,
        ended_at: e.data.endedAt,
        duration_seconds: String(e.data.seconds),
        billed_seconds: e.data.billedSeconds,
        price: e.data.amount,
        from_grants: e.data.fromGrants.reduce((sum, g) => sum.plus(g.amount), new Decimal(0)).toFixed(),
        from_paid: e.data.fromPaid,
        outcome: 'answered',
        cause: null,
        origin: e.data.origin,
      });
    case 'CallFailed':
      return b.change(number, e.data.callId, r.position, {
        ended_at: e.data.endedAt,
        duration_seconds: '0',
        billed_seconds: 0,
        price: '0',
        outcome: 'failed',
        cause: e.data.reason,
        origin: e.data.origin,
      });
    case 'CallRerated':
      return b.change(number, e.data.callId, r.position, { price: e.data.amountAfter, rerated: e.data.sequence });
    case 'CarrierCostRecorded':
      return carrierCost(e, r, number, b);
    case 'ReservationExpired':
      // no CDR within the grant and its TTL; a late CDR still turns it into answered or failed
      if (b.row(number, e.data.callId)?.outcome === 'open') b.change(number, e.data.callId, r.position, { outcome: 'no-cdr' });
      return;
    case 'ChargeShortfall':
      if (e.data.kind === 'call') b.change(number, e.data.reference, r.position, { shortfall: e.data.amount });
      return;
    default:
      // the projection's `handles` list keeps every other type away
      return;
  }
}
