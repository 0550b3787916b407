import type { AddressInfo } from 'node:net';
import * as smpp from 'smpp';

export interface ReceivedPart {
  readonly messageId: string;
  readonly from: string;
  readonly to: string;
  readonly dataCoding: number;
  readonly esmClass: number;
  /** The concatenation information element (as the package decodes it: IEI, length, reference, total, sequence), when present. */
  readonly udh: Buffer | null;
  /** The part's text as the SMSC decodes it (GSM 03.38 for data_coding 0, UCS-2 for 8). */
  readonly text: string;
}

export type SubmitAnswer = 'accept' | 'refuse' | 'silent' | 'drop';

/**
 * An SMSC on loopback, from the same `smpp` package (the real protocol, in process): binds with
 * one system id and password, answers submit_sm as `answer()` says, sends delivery receipts on
 * demand, and can drop every connection.
 */
export async function startSmsc(options: {
  systemId: string;
  password: string;
  /** How to answer the `index`-th submit_sm (counting every one, answered or not). */
  answer?: (part: ReceivedPart, index: number) => SubmitAnswer;
  /** A receipt sent `delayMs` after each accepted part, unless null. */
  autoReceipt?: { stat: 'DELIVRD' | 'UNDELIV' | 'EXPIRED'; delayMs: number } | null;
}) {
  const received: ReceivedPart[] = [];
  let enquireLinks = 0;
  let binds = 0;
  let nextId = 1;
  let submits = 0;
  const receiptAnswers: number[] = [];
  const timers = new Set<NodeJS.Timeout>();

  function sendReceipt(session: smpp.Session, part: Pick<ReceivedPart, 'messageId' | 'from' | 'to'>, stat: string): void {
    const state = { DELIVRD: 2, EXPIRED: 3, UNDELIV: 5 }[stat] ?? 5;
    session.deliver_sm(
      {
        source_addr: part.to,
        destination_addr: part.from,
        esm_class: 0x04,
        short_message: `id:${part.messageId} sub:001 dlvrd:${stat === 'DELIVRD' ? '001' : '000'} submit date:2611260000 done date:2611260000 stat:${stat} err:${stat === 'DELIVRD' ? '000' : '034'} text:`,
        receipted_message_id: part.messageId,
        message_state: state,
      },
      (resp) => receiptAnswers.push(resp.command_status),
    );
  }

  const server = smpp.createServer({}, (session) => {
    session.on('error', () => undefined);
    session.on('bind_transceiver', (pdu: smpp.Pdu) => {
      if (pdu['system_id'] !== options.systemId || pdu['password'] !== options.password) {
        session.send(pdu.response({ command_status: smpp.ESME_RBINDFAIL }));
        session.close();
        return;
      }
      binds++;
      session.send(pdu.response({ system_id: 'smsc' }));
    });
    session.on('enquire_link', (pdu: smpp.Pdu) => {
      enquireLinks++;
      session.send(pdu.response());
    });
    session.on('unbind', (pdu: smpp.Pdu) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('submit_sm', (pdu: smpp.Pdu) => {
      const raw = pdu['short_message'] as { udh?: Buffer[]; message: string | Buffer };
      const esmClass = Number(pdu['esm_class'] ?? 0);
      const part: ReceivedPart = {
        messageId: `m${String(nextId++).padStart(6, '0')}`,
        from: String(pdu['source_addr']),
        to: String(pdu['destination_addr']),
        dataCoding: Number(pdu['data_coding'] ?? 0),
        esmClass,
        udh: raw.udh?.[0] ?? null,
        text: Buffer.isBuffer(raw.message) ? raw.message.toString('latin1') : raw.message,
      };
      const answer = options.answer?.(part, submits++) ?? 'accept';
      if (answer === 'silent') return;
      if (answer === 'drop') {
        session.destroy();
        return;
      }
      if (answer === 'refuse') {
        session.send(pdu.response({ command_status: smpp.ESME_RSYSERR }));
        return;
      }
      received.push(part);
      session.send(pdu.response({ message_id: part.messageId }));
      if (options.autoReceipt) {
        const r = options.autoReceipt;
        const t = setTimeout(() => {
          timers.delete(t);
          sendReceipt(session, part, r.stat);
        }, r.delayMs);
        timers.add(t);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `smpp://127.0.0.1:${port}`,
    received,
    receiptAnswers,
    stats: () => ({ binds, enquireLinks, sessions: server.sessions.length }),
    /** A receipt for a message id (known or not) on every bound session. */
    receipt(part: Pick<ReceivedPart, 'messageId' | 'from' | 'to'>, stat: 'DELIVRD' | 'UNDELIV' | 'EXPIRED') {
      for (const s of server.sessions) sendReceipt(s, part, stat);
    },
    dropAll() {
      for (const s of [...server.sessions]) s.destroy();
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const s of [...server.sessions]) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type Smsc = Awaited<ReturnType<typeof startSmsc>>;
