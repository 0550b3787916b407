import { Decimal } from '../../core/money';
import { accountStreamCodec, type AccountStreamEvent } from '../../core/wallet';
import type { RecordedEvent } from '../../core/events/envelope';
import type { Projection } from '../../application/ports/projection';
import type { SqlTx, SqlValue } from '../../application/ports/read-model-store';

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
  async apply(recorded, tx) {
    await applyCallEvent(accountStreamCodec.decode(recorded), recorded, tx);
  },
};

async function update(tx: SqlTx, recorded: RecordedEvent, callId: string, set: Record<string, SqlValue>, where = ''): Promise<void> {
  const columns = Object.keys(set);
  await tx.run(
    `UPDATE call_records SET ${columns.map((c) => `${c} = ?`).join(', ')}, position = ? WHERE number = ? AND call_id = ?${where}`,
    [...columns.map((c) => set[c]!), recorded.position, numberOf(recorded), callId],
  );
}

const numberOf = (recorded: RecordedEvent) => recorded.stream.slice('account-'.length);

async function insertAuthorized(e: Of<'CallAuthorized'>, recorded: RecordedEvent, tx: SqlTx): Promise<void> {
  const d = e.data;
  const routes = Object.fromEntries(d.carriers.map((c) => [c.carrierId, c.uris[0] ?? null]));
  const first = d.carriers[0];
  await tx.run(
    `INSERT INTO call_records (call_id, number, account_id, callee, route, authorized_at, prefix, rate, connect_fee,
       sheet_version, reserved, currency, routes, carrier_id, trunk, outcome, cause, rerated, position)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, 0, ?) ON CONFLICT (number, call_id) DO NOTHING`,
    [
      d.callId,
      numberOf(recorded),
      d.accountId,
      d.destination,
      d.route,
      d.at,
      d.retail?.prefix ?? null,
      d.retail?.row.rate ?? null,
      d.retail?.row.connectFee ?? null,
      d.retail?.sheetVersion ?? null,
      d.reserved,
      d.currency,
      JSON.stringify(routes),
      first?.carrierId ?? null,
      first?.uris[0] ?? null,
      d.route === 'on-net' ? d.onNetUri : null,
      recorded.position,
    ],
  );
}

/** An emergency call's row: the short code dialed as the callee, nothing held or priced. */
async function insertEmergency(e: Of<'EmergencyCallAuthorized'>, recorded: RecordedEvent, tx: SqlTx): Promise<void> {
  const d = e.data;
  const first = d.carriers[0];
  await tx.run(
    `INSERT INTO call_records (call_id, number, account_id, callee, route, authorized_at, reserved, currency, routes,
       carrier_id, trunk, outcome, rerated, position)
     VALUES (?, ?, ?, ?, 'emergency', ?, '0', ?, ?, ?, ?, 'open', 0, ?) ON CONFLICT (number, call_id) DO NOTHING`,
    [
      d.callId,
      numberOf(recorded),
      d.accountId,
      d.dialed,
      d.at,
      d.currency,
      JSON.stringify(Object.fromEntries(d.carriers.map((c) => [c.carrierId, c.uris[0] ?? null]))),
      first?.carrierId ?? null,
      first?.uris[0] ?? null,
      recorded.position,
    ],
  );
}

/** A peer provider's call to this account: the account's number is the callee, the peer's asserted number the caller, free. */
async function insertInbound(e: Of<'PeerCallReceived'>, recorded: RecordedEvent, tx: SqlTx): Promise<void> {
  const d = e.data;
  await tx.run(
    `INSERT INTO call_records (call_id, number, account_id, callee, caller, route, authorized_at, reserved, price, currency, routes,
       outcome, cause, rerated, position)
     VALUES (?, ?, ?, ?, ?, 'on-net-inbound', ?, '0', '0', ?, '{}', 'received', ?, 0, ?) ON CONFLICT (number, call_id) DO NOTHING`,
    [d.callId, numberOf(recorded), d.accountId, numberOf(recorded), d.caller, d.at, d.currency, d.peer, recorded.position],
  );
}

async function carrierCost(e: Of<'CarrierCostRecorded'>, recorded: RecordedEvent, tx: SqlTx): Promise<void> {
  const d = e.data;
  const row = await tx.get<{ routes: string }>('SELECT routes FROM call_records WHERE number = ? AND call_id = ?', [
    numberOf(recorded),
    d.callId,
  ]);
  if (!row) return;
  const routes = JSON.parse(row.routes) as Record<string, string | null>;
  await update(tx, recorded, d.callId, {
    carrier_id: d.carrierId,
    trunk: routes[d.carrierId] ?? null,
    carrier_prefix: d.prefix,
    carrier_rate: d.rate,
    carrier_cost: d.cost,
    carrier_currency: d.currency,
    deck_version: d.deckVersion ?? null,
  });
}

async function applyCallEvent(e: AccountStreamEvent, recorded: RecordedEvent, tx: SqlTx): Promise<void> {
  switch (e.type) {
    case 'CallAuthorized':
      return insertAuthorized(e, recorded, tx);
    case 'EmergencyCallAuthorized':
      return insertEmergency(e, recorded, tx);
    case 'PeerCallReceived':
      return insertInbound(e, recorded, tx);
    case 'CallCharged':
      return update(tx, recorded, e.data.callId, {
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
      return update(tx, recorded, e.data.callId, {
        ended_at: e.data.endedAt,
        duration_seconds: '0',
        billed_seconds: 0,
        price: '0',
        outcome: 'failed',
        cause: e.data.reason,
        origin: e.data.origin,
      });
    case 'CallRerated':
      await tx.run('UPDATE call_records SET price = ?, rerated = ?, position = ? WHERE number = ? AND call_id = ?', [
        e.data.amountAfter,
        e.data.sequence,
        recorded.position,
        numberOf(recorded),
        e.data.callId,
      ]);
      return;
    case 'CarrierCostRecorded':
      return carrierCost(e, recorded, tx);
    case 'ReservationExpired':
      // no CDR within the grant and its TTL; a late CDR still turns it into answered or failed
      return update(tx, recorded, e.data.callId, { outcome: 'no-cdr' }, " AND outcome = 'open'");
    case 'ChargeShortfall':
      if (e.data.kind === 'call') await update(tx, recorded, e.data.reference, { shortfall: e.data.amount });
      return;
    default:
      // the projection's `handles` list keeps every other type away
      return;
  }
}
