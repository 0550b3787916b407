import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import * as smpp from 'smpp';
import type { ReceiptStatus } from '../../core/sms/commands';
import { SmsGatewayError, type ReceiptSink, type SmsGateway, type SmsSubmission } from '../../core/sms/gateway';

export interface SmppGatewayOptions {
  readonly id: string;
  /** smpp://host:port (ssmpp:// for TLS). */
  readonly url: string;
  readonly systemId: string;
  readonly password: string;
  readonly systemType?: string;
  /** Submits awaiting their submit_sm_resp at once; more wait their turn. */
  readonly window: number;
  /** Texts that may wait for the window; beyond, a submit fails over at once. */
  readonly queueLimit: number;
  readonly submitTimeoutMs: number;
  readonly enquireLinkMs: number;
  /** Reconnect backoff: doubles from `reconnectMinMs` up to `reconnectMaxMs`. */
  readonly reconnectMinMs: number;
  readonly reconnectMaxMs: number;
  readonly logger: Logger;
  readonly onReceipt: ReceiptSink;
  readonly clock?: () => Date;
}

/** SMPP 3.4 data_coding values: the SMSC default alphabet (GSM-7, one septet per octet) and UCS-2. */
const DATA_CODING = { 'GSM-7': 0x00, 'UCS-2': 0x08 } as const;
const ESM_UDHI = 0x40;
const ESM_DELIVERY_RECEIPT = 0x04;
/** SMPP 3.4 §5.2.28 message_state. */
const MESSAGE_STATE: Readonly<Record<number, ReceiptStatus | undefined>> = {
  2: 'delivered',
  3: 'expired',
  4: 'failed',
  5: 'failed',
  8: 'failed',
};
const STAT: Readonly<Record<string, ReceiptStatus | undefined>> = {
  DELIVRD: 'delivered',
  EXPIRED: 'expired',
  UNDELIV: 'failed',
  REJECTD: 'failed',
  DELETED: 'failed',
};
/** deliver_sm_resp when the receipt could not be stored: "temporary application error", so the SMSC sends it again. */
const ESME_RX_T_APPN = 0x64;

/** The concatenation header (3GPP TS 23.040 §9.2.3.24.1): 8-bit reference, total, sequence. */
export function concatUdh(reference: number, total: number, sequence: number): Buffer {
  return Buffer.from([0x05, 0x00, 0x03, reference & 0xff, total, sequence]);
}

/** The receipt in a deliver_sm: from its TLVs if present, else from the text ("id:… stat:DELIVRD err:000"). */
export function parseReceipt(pdu: smpp.Pdu): { messageId: string; status: ReceiptStatus; error: string | null } | null {
  const text = (() => {
    const m = pdu['short_message'] as { message?: unknown } | Buffer | string | undefined;
    if (typeof m === 'string') return m;
    if (Buffer.isBuffer(m)) return m.toString('latin1');
    return typeof m?.message === 'string' ? m.message : Buffer.isBuffer(m?.message) ? m.message.toString('latin1') : '';
  })();
  const id = (pdu['receipted_message_id'] as string | undefined) ?? /\bid:(\S+)/i.exec(text)?.[1];
  const state = pdu['message_state'] as number | undefined;
  const stat = /\bstat:(\w+)/i.exec(text)?.[1]?.toUpperCase();
  const status = (state !== undefined ? MESSAGE_STATE[state] : undefined) ?? (stat ? STAT[stat] : undefined);
  if (!id || !status) return null;
  const err = /\berr:(\w+)/i.exec(text)?.[1];
  return { messageId: id, status, error: status === 'delivered' ? null : `${stat ?? `state ${state}`}${err ? ` err:${err}` : ''}` };
}

interface Waiting {
  readonly start: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * An SMPP 3.4 transceiver: binds, keeps the link alive (enquire_link), reconnects with backoff,
 * submits each segment (UDH-concatenated) inside a window of outstanding submits, and hands the
 * delivery receipts it receives to `onReceipt`, answering the SMSC only once they are stored.
 */
export function smppGateway(o: SmppGatewayOptions): SmsGateway & { readonly bound: () => boolean } {
  const now = o.clock ?? (() => new Date());
  let session: smpp.Session | null = null;
  let bound = false;
  let closed = false;
  let backoff = o.reconnectMinMs;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let keepAlive: NodeJS.Timeout | null = null;
  let outstanding = 0;
  const queue: Waiting[] = [];
  /** Submits awaiting their response on the current session: failed at once if it drops. */
  const pending = new Set<(error: Error) => void>();
  let boundWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];

  function dropped(reason: string): void {
    if (keepAlive) clearInterval(keepAlive);
    keepAlive = null;
    const was = session;
    session = null;
    bound = false;
    was?.removeAllListeners();
    was?.on('error', () => undefined);
    was?.destroy();
    for (const fail of [...pending])
      fail(new SmsGatewayError('unavailable', `${o.id}: connection lost (${reason}) before the SMSC answered`));
    pending.clear();
    if (closed) return;
    o.logger.warn({ gateway: o.id, reason, retryInMs: backoff }, 'SMPP connection lost: reconnecting');
    reconnectTimer = setTimeout(connect, backoff);
    reconnectTimer.unref();
    backoff = Math.min(backoff * 2, o.reconnectMaxMs);
  }

  function connect(): void {
    reconnectTimer = null;
    if (closed) return;
    const s = smpp.connect({ url: o.url, auto_enquire_link_period: 0 }, () => {
      s.bind_transceiver(
        { system_id: o.systemId, password: o.password, system_type: o.systemType ?? '', interface_version: 0x34 },
        (pdu) => {
          if (pdu.command_status !== 0) {
            o.logger.error({ gateway: o.id, status: pdu.command_status }, 'SMPP bind refused');
            dropped(`bind refused with status ${pdu.command_status}`);
            return;
          }
          bound = true;
          backoff = o.reconnectMinMs;
          for (const w of boundWaiters) w.resolve();
          boundWaiters = [];
          keepAlive = setInterval(() => {
            let answered = false;
            s.enquire_link({}, () => (answered = true));
            const check = setTimeout(() => {
              if (!answered && session === s) dropped('enquire_link unanswered');
            }, o.submitTimeoutMs);
            check.unref();
          }, o.enquireLinkMs);
          keepAlive.unref();
        },
      );
    });
    session = s;
    s.on('error', (e: Error) => session === s && dropped(e.message));
    s.on('close', () => session === s && dropped('closed by the peer'));
    s.on('enquire_link', (pdu: smpp.Pdu) => s.send(pdu.response()));
    s.on('unbind', (pdu: smpp.Pdu) => {
      s.send(pdu.response());
      dropped('unbound by the SMSC');
    });
    s.on('deliver_sm', (pdu: smpp.Pdu) => void onDeliver(s, pdu));
  }

  async function onDeliver(s: smpp.Session, pdu: smpp.Pdu): Promise<void> {
    const esm = Number(pdu['esm_class'] ?? 0);
    const receipt = esm & ESM_DELIVERY_RECEIPT ? parseReceipt(pdu) : null;
    if (!receipt) {
      // a mobile-originated text or an unreadable receipt: acknowledged, logged, not billed
      o.logger.info({ gateway: o.id, esm }, 'deliver_sm without a readable receipt');
      s.send(pdu.response());
      return;
    }
    try {
      await o.onReceipt({
        gatewayId: o.id,
        ...receipt,
        at: now().toISOString(),
        raw: { source: String(pdu['source_addr'] ?? ''), destination: String(pdu['destination_addr'] ?? ''), esmClass: esm },
      });
      s.send(pdu.response());
    } catch (error) {
      o.logger.error({ gateway: o.id, err: error, messageId: receipt.messageId }, 'receipt not stored: asking the SMSC to resend it');
      s.send(pdu.response({ command_status: ESME_RX_T_APPN }));
    }
  }

  function whenBound(): Promise<void> {
    if (bound) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      boundWaiters.push(waiter);
      const t = setTimeout(() => {
        boundWaiters = boundWaiters.filter((w) => w !== waiter);
        reject(new SmsGatewayError('unavailable', `${o.id}: not bound to the SMSC`));
      }, o.submitTimeoutMs);
      t.unref();
    });
  }

  /** Runs `task` once a window slot is free. */
  function inWindow<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        outstanding++;
        task()
          .then(resolve, reject)
          .finally(() => {
            outstanding--;
            queue.shift()?.start();
          });
      };
      if (outstanding < o.window) start();
      else if (queue.length >= o.queueLimit) reject(new SmsGatewayError('unavailable', `${o.id}: window and queue full`));
      else queue.push({ start, reject });
    });
  }

  function submitPart(fields: Record<string, unknown>): Promise<string> {
    return inWindow(async () => {
      await whenBound();
      const s = session;
      if (!s) throw new SmsGatewayError('unavailable', `${o.id}: not connected`);
      return new Promise<string>((resolve, reject) => {
        let settled = false;
        const fail = (error: Error) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          pending.delete(fail);
          reject(error);
        };
        const timer = setTimeout(
          () => fail(new SmsGatewayError('timeout', `${o.id}: no submit_sm_resp within ${o.submitTimeoutMs} ms`)),
          o.submitTimeoutMs,
        );
        pending.add(fail);
        const sent = s.submit_sm(fields, (pdu) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          pending.delete(fail);
          if (pdu.command_status === 0) resolve(String(pdu['message_id']));
          else reject(new SmsGatewayError('refused', `${o.id}: submit_sm refused with status 0x${pdu.command_status.toString(16)}`));
        });
        if (!sent) fail(new SmsGatewayError('unavailable', `${o.id}: connection not writable`));
      });
    });
  }

  connect();

  return {
    id: o.id,
    bound: () => bound,
    async submit(m: SmsSubmission) {
      const reference = createHash('sha256').update(m.smsId).digest()[0]!;
      const total = m.parts.length;
      const common = {
        source_addr_ton: 1,
        source_addr_npi: 1,
        source_addr: m.from.replace(/^\+/, ''),
        dest_addr_ton: 1,
        dest_addr_npi: 1,
        destination_addr: m.to.replace(/^\+/, ''),
        registered_delivery: 1,
        data_coding: DATA_CODING[m.encoding],
      };
      // the parts go out together (each in the window); one refused part fails the text over whole
      const messageIds = await Promise.all(
        m.parts.map((payload, i) =>
          submitPart({
            ...common,
            esm_class: total > 1 ? ESM_UDHI : 0,
            short_message: total > 1 ? Buffer.concat([concatUdh(reference, total, i + 1), payload]) : Buffer.from(payload),
          }),
        ),
      );
      return { messageIds };
    },
    async close() {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      for (const w of boundWaiters) w.reject(new SmsGatewayError('unavailable', `${o.id}: closed`));
      for (const w of queue.splice(0)) w.reject(new SmsGatewayError('unavailable', `${o.id}: closed`));
      const s = session;
      if (!s) return;
      if (keepAlive) clearInterval(keepAlive);
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          s.destroy();
          resolve();
        }, 1000);
        t.unref();
        if (!bound || !s.unbind({}, () => s.close(() => (clearTimeout(t), resolve())))) {
          clearTimeout(t);
          s.destroy();
          resolve();
        }
      });
      session = null;
      bound = false;
    },
  };
}
