import type { ReadModelStore } from '../../application/ports/read-model-store';

export interface SmsView {
  readonly smsId: string;
  readonly from: string;
  readonly to: string;
  readonly status: 'accepted' | 'submitted' | 'delivered' | 'failed' | 'refunded';
  readonly encoding: string;
  readonly segments: number;
  readonly characters: number;
  readonly price: string;
  readonly currency: string;
  readonly refunded: string | null;
  readonly gatewayId: string | null;
  readonly failedOver: readonly { readonly gatewayId: string; readonly error: string }[];
  readonly reason: string | null;
  readonly parts: readonly { readonly messageId: string; readonly status: string }[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly position: number;
}

interface Row {
  sms_id: string;
  number: string;
  recipient: string;
  status: SmsView['status'];
  encoding: string;
  segments: number | string;
  characters: number | string;
  price: string;
  currency: string;
  refunded: string | null;
  gateway_id: string | null;
  failed_over: string;
  reason: string | null;
  created_at: string;
  updated_at: string;
  position: number | string;
}

/** One text of one sender (another account's text is not found, whatever its id). */
export async function smsOf(rm: ReadModelStore, number: string, smsId: string): Promise<SmsView | null> {
  const [r] = await rm.query<Row>('SELECT * FROM sms_messages WHERE sms_id = ? AND number = ?', [smsId, number]);
  if (!r) return null;
  const parts = await rm.query<{ message_id: string; status: string }>(
    'SELECT message_id, status FROM sms_parts WHERE sms_id = ? ORDER BY message_id',
    [smsId],
  );
  return {
    smsId: r.sms_id,
    from: r.number,
    to: r.recipient,
    status: r.status,
    encoding: r.encoding,
    segments: Number(r.segments),
    characters: Number(r.characters),
    price: r.price,
    currency: r.currency,
    refunded: r.refunded,
    gatewayId: r.gateway_id,
    failedOver: JSON.parse(r.failed_over) as SmsView['failedOver'],
    reason: r.reason,
    parts: parts.map((p) => ({ messageId: p.message_id, status: p.status })),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    position: Number(r.position),
  };
}

/** The text a gateway's message id belongs to. */
export async function ownerOfMessage(
  rm: ReadModelStore,
  gatewayId: string,
  messageId: string,
): Promise<{ number: string; smsId: string } | null> {
  const [r] = await rm.query<{ number: string; sms_id: string }>(
    'SELECT number, sms_id FROM sms_parts WHERE gateway_id = ? AND message_id = ?',
    [gatewayId, messageId],
  );
  return r ? { number: r.number, smsId: r.sms_id } : null;
}

/** Texts accepted before `before` and never submitted nor failed: what a crash between the two left. */
export async function staleAcceptedSms(rm: ReadModelStore, before: Date, limit: number): Promise<{ number: string; smsId: string }[]> {
  const rows = await rm.query<{ number: string; sms_id: string }>(
    `SELECT number, sms_id FROM sms_messages WHERE status = 'accepted' AND created_at < ? ORDER BY created_at LIMIT ${Math.trunc(limit)}`,
    [before.toISOString()],
  );
  return rows.map((r) => ({ number: r.number, smsId: r.sms_id }));
}
