import type { ReadModelStore } from '../../application/ports/read-model-store';
import { decodeCursor, encodeCursor, whereOf, type Condition, type Page } from './page';

export type TextStatus = 'accepted' | 'submitted' | 'delivered' | 'failed' | 'refunded';

export interface TextStep {
  readonly status: string;
  readonly at: string;
  /** The gateway a submission went to, a failure's or refund's reason, a receipt's message id. */
  readonly detail: string | null;
}

/** A text as its sender sees it, with every step of its life. */
export interface TextRecord {
  readonly smsId: string;
  readonly from: string;
  readonly to: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly encoding: string;
  readonly segments: number;
  readonly characters: number;
  readonly price: string;
  readonly refunded: string | null;
  readonly currency: string;
  readonly gateway: string | null;
  readonly status: TextStatus;
  readonly reason: string | null;
  readonly history: readonly TextStep[];
}

/** A text as the operator sees it: the sender's view plus the account and log position. */
export interface OperatorTextRecord extends TextRecord {
  readonly accountId: string;
  readonly position: number;
}

export interface TextFilter {
  readonly number?: string;
  readonly gateway?: string;
  /** Digits the recipient's number starts with (after the +). */
  readonly prefix?: string;
  readonly status?: TextStatus;
  readonly since?: string;
  readonly until?: string;
}

export interface TextRow {
  sms_id: string;
  number: string;
  account_id: string;
  recipient: string;
  encoding: string;
  segments: number | string;
  characters: number | string;
  price: string;
  refunded: string | null;
  currency: string;
  gateway_id: string | null;
  status: TextStatus;
  reason: string | null;
  created_at: string;
  updated_at: string;
  position: number | string;
}

export function senderView(r: TextRow, history: readonly TextStep[]): TextRecord {
  return {
    smsId: r.sms_id,
    from: r.number,
    to: r.recipient,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    encoding: r.encoding,
    segments: Number(r.segments),
    characters: Number(r.characters),
    price: r.price,
    refunded: r.refunded,
    currency: r.currency,
    gateway: r.gateway_id,
    status: r.status,
    reason: r.reason,
    history,
  };
}

export function operatorTextView(r: TextRow, history: readonly TextStep[]): OperatorTextRecord {
  // added to the sender's view's object rather than spread from it: a spread of this size is slow
  return Object.assign(senderView(r, history), { accountId: r.account_id, position: Number(r.position) });
}

function conditions(f: TextFilter): Condition[] {
  return [
    f.number !== undefined ? ['number = ?', f.number] : null,
    f.gateway !== undefined ? ['gateway_id = ?', f.gateway] : null,
    f.prefix !== undefined ? ['recipient LIKE ?', `+${f.prefix}%`] : null,
    f.status !== undefined ? ['status = ?', f.status] : null,
    f.since !== undefined ? ['created_at >= ?', f.since] : null,
    f.until !== undefined ? ['created_at < ?', f.until] : null,
  ];
}

const COLUMNS = `sms_id, number, account_id, recipient, encoding, segments, characters, price, refunded, currency, gateway_id,
  status, reason, created_at, updated_at, position`;

/** The steps of each of these texts, oldest first, in one query. */
export async function historiesOf(rm: ReadModelStore, smsIds: readonly string[]): Promise<Map<string, TextStep[]>> {
  const steps = new Map<string, TextStep[]>(smsIds.map((id) => [id, []]));
  if (smsIds.length === 0) return steps;
  const rows = await rm.query<{ sms_id: string; status: string; at: string; detail: string | null }>(
    `SELECT sms_id, status, at, detail FROM sms_status_history WHERE sms_id IN (${smsIds.map(() => '?').join(', ')})
     ORDER BY sms_id, position`,
    smsIds,
  );
  for (const r of rows) steps.get(r.sms_id)?.push({ status: r.status, at: r.at, detail: r.detail });
  return steps;
}

/** One page of texts, newest first, after `cursor`. */
export async function textRecords<T>(
  rm: ReadModelStore,
  view: (r: TextRow, history: readonly TextStep[]) => T,
  filter: TextFilter,
  page: { readonly limit: number; readonly cursor?: string },
): Promise<Page<T>> {
  const after = page.cursor !== undefined ? decodeCursor(page.cursor) : null;
  const where = whereOf([...conditions(filter), after ? ['(created_at, sms_id) < (?, ?)', after.at, after.id] : null]);
  const rows = await rm.query<TextRow>(
    `SELECT ${COLUMNS} FROM sms_messages ${where.sql} ORDER BY created_at DESC, sms_id DESC LIMIT ${Math.trunc(page.limit) + 1}`,
    where.params,
  );
  const items = rows.slice(0, page.limit);
  const histories = await historiesOf(
    rm,
    items.map((r) => r.sms_id),
  );
  const last = items.at(-1);
  return {
    items: items.map((r) => view(r, histories.get(r.sms_id) ?? [])),
    next: rows.length > page.limit && last ? encodeCursor({ at: last.created_at, id: last.sms_id }) : null,
  };
}

/** Every text the filter matches, oldest first, chunk by chunk, each with its history. */
export async function* eachTextRecord(
  rm: ReadModelStore,
  filter: TextFilter,
  chunk = 2000,
): AsyncGenerator<{ row: TextRow; history: TextStep[] }[]> {
  let after: { at: string; id: string } | null = null;
  for (;;) {
    const where = whereOf([...conditions(filter), after ? ['(created_at, sms_id) > (?, ?)', after.at, after.id] : null]);
    const rows = await rm.query<TextRow>(
      `SELECT ${COLUMNS} FROM sms_messages ${where.sql} ORDER BY created_at, sms_id LIMIT ${Math.trunc(chunk)}`,
      where.params,
    );
    const histories = await historiesOf(
      rm,
      rows.map((r) => r.sms_id),
    );
    if (rows.length > 0) yield rows.map((row) => ({ row, history: histories.get(row.sms_id) ?? [] }));
    if (rows.length < chunk) return;
    const last = rows.at(-1)!;
    after = { at: last.created_at, id: last.sms_id };
  }
}

export async function countTextRecords(rm: ReadModelStore, filter: TextFilter): Promise<number> {
  const where = whereOf(conditions(filter));
  const [row] = await rm.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM sms_messages ${where.sql}`, where.params);
  return Number(row?.n ?? 0);
}
