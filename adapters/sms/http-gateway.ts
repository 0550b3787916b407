import type { ReceiptStatus } from '../../core/sms/commands';
import { SmsGatewayError, type SmsGateway, type SmsSubmission } from '../../core/sms/gateway';

export interface HttpGatewayOptions {
  readonly id: string;
  readonly url: string;
  readonly body: 'json' | 'form';
  /** Sent with every submit, e.g. { "authorization": "Bearer …" }. */
  readonly headers: Readonly<Record<string, string>>;
  /** The request's field names for sender, recipient and text. */
  readonly fields: { readonly from: string; readonly to: string; readonly text: string };
  /** Extra fixed fields (an account id, a sender type). */
  readonly extra: Readonly<Record<string, string>>;
  /** Dotted paths into the JSON answer: the message id, and optionally a status with the values that mean "accepted". */
  readonly response: { readonly messageId: string; readonly status?: string; readonly accepted: readonly string[] };
  readonly timeoutMs: number;
  /** Receipts webhook: the Bearer token the gateway sends, and where in its JSON the id and status are. */
  readonly receipts: {
    readonly secret: string;
    readonly messageId: string;
    readonly status: string;
    readonly error?: string;
    /** The gateway's status words → delivered / failed / expired (others: ignored, an interim report). */
    readonly statusMap: Readonly<Record<string, ReceiptStatus>>;
  };
}

/** A value at a dotted path ("data.0.id") of parsed JSON. */
export function pick(value: unknown, path: string): unknown {
  let v = value;
  for (const key of path.split('.')) {
    // own properties only: a path must never reach Object.prototype
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/**
 * A generic HTTP SMS gateway: one POST per text (the gateway concatenates), JSON or form body.
 * A non-2xx answer, an unreadable one or a status outside `accepted` is a refusal; no answer
 * within `timeoutMs` a timeout; either way the text fails over.
 */
export function httpGateway(o: HttpGatewayOptions, fetchImpl: typeof fetch = fetch): SmsGateway {
  return {
    id: o.id,
    async submit(m: SmsSubmission) {
      const fields = { ...o.extra, [o.fields.from]: m.from, [o.fields.to]: m.to, [o.fields.text]: m.text };
      const body = o.body === 'json' ? JSON.stringify(fields) : new URLSearchParams(fields).toString();
      let res: Response;
      try {
        res = await fetchImpl(o.url, {
          method: 'POST',
          headers: { ...o.headers, 'content-type': o.body === 'json' ? 'application/json' : 'application/x-www-form-urlencoded' },
          body,
          signal: AbortSignal.timeout(o.timeoutMs),
        });
      } catch (error) {
        const e = error as Error;
        if (e.name === 'TimeoutError' || e.name === 'AbortError')
          throw new SmsGatewayError('timeout', `${o.id}: no answer within ${o.timeoutMs} ms`);
        throw new SmsGatewayError('unavailable', `${o.id}: ${e.message}`);
      }
      const text = await res.text().catch(() => '');
      if (!res.ok) throw new SmsGatewayError('refused', `${o.id}: HTTP ${res.status} ${text.slice(0, 200)}`);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new SmsGatewayError('refused', `${o.id}: the answer is not JSON`);
      }
      if (o.response.status !== undefined) {
        const status = String(pick(json, o.response.status));
        if (!o.response.accepted.includes(status)) throw new SmsGatewayError('refused', `${o.id}: status ${status}`);
      }
      const id = pick(json, o.response.messageId);
      if ((typeof id !== 'string' && typeof id !== 'number') || String(id) === '')
        throw new SmsGatewayError('refused', `${o.id}: no message id at ${o.response.messageId}`);
      return { messageIds: [String(id)] };
    },
    async close() {},
  };
}
