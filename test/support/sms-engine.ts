import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Config } from '../../adapters/runtime/config';
import type { Engine } from '../../adapters/runtime/engine';
import { startSmsc, type Smsc, type SubmitAnswer } from '../beds/smsc';
import { signedFetch, type Signer } from './signed-fetch';
import { testEngine } from './test-engine';

export const RECEIPT_SECRET = 'receipt-secret-0123456789';

/** A small HTTP SMS gateway: answers `{ "id": …, "status": "queued" }`, or as `mode` says. */
export async function startHttpGateway() {
  const received: { to: string; from: string; text: string; auth: string | undefined }[] = [];
  let mode: 'accept' | 'refuse' | 'hang' = 'accept';
  let next = 1;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (mode === 'hang') return; // never answers: the engine's timeout fails it over
      if (mode === 'refuse') {
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"overloaded"}');
        return;
      }
      const m = JSON.parse(body) as { to: string; from: string; text: string };
      received.push({ ...m, auth: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `h${next++}`, status: 'queued' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`,
    received,
    setMode: (m: typeof mode) => void (mode = m),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
export type HttpGatewayBed = Awaited<ReturnType<typeof startHttpGateway>>;

export interface SmsEngine {
  readonly engine: Engine;
  readonly base: string;
  /** The cheapest gateway (UK 0.02 per segment), then the next (0.025), then HTTP (0.028). */
  readonly cheap: Smsc;
  readonly second: Smsc;
  readonly http: HttpGatewayBed;
  send(who: Signer, body: unknown, key?: string): Promise<Response>;
  fund(number: string, amount: string): Promise<void>;
  close(): Promise<void>;
}

const deck = (dir: string, name: string, rows: string) => {
  const file = join(dir, `${name}.csv`);
  writeFileSync(file, `prefix,destination,rate,initial,subsequent,connect_fee,effective_from\n${rows}`);
  return file;
};

/**
 * An engine with three SMS gateways (two SMSCs over SMPP, one HTTP), their decks priced per
 * segment, the retail SMS price at 50 % markup over the cheapest (UK: 0.03 a segment), and
 * `people` opened as EUR accounts.
 */
export async function smsEngine(options: {
  people: readonly Signer[];
  config?: Partial<Config>;
  answerCheap?: (index: number) => SubmitAnswer;
  autoReceipt?: { stat: 'DELIVRD' | 'UNDELIV' | 'EXPIRED'; delayMs: number } | null;
  submitTimeoutMs?: number;
  keepData?: boolean;
  operators?: Parameters<typeof testEngine>[0]['operators'];
}): Promise<SmsEngine> {
  const cheap = await startSmsc({
    systemId: 'trunkline',
    password: 'secret',
    ...(options.answerCheap ? { answer: (_p, i) => options.answerCheap!(i) } : {}),
    autoReceipt: options.autoReceipt ?? null,
  });
  const second = await startSmsc({ systemId: 'trunkline', password: 'secret', autoReceipt: options.autoReceipt ?? null });
  const http = await startHttpGateway();
  const smpp = (id: string, s: Smsc) => ({
    id,
    url: s.url,
    systemId: 'trunkline',
    password: 'secret',
    submitTimeoutMs: options.submitTimeoutMs ?? 1000,
    reconnectMinMs: 50,
    reconnectMaxMs: 500,
  });
  const t = await testEngine({
    numbers: options.people,
    ...(options.keepData ? { keepData: true } : {}),
    ...(options.operators ? { operators: options.operators } : {}),
    config: {
      pluginOptions: {
        pricing: { markupPercent: '50' },
        'sms-smpp': { gateways: [smpp('smsc-cheap', cheap), smpp('smsc-second', second)] },
        'sms-http': {
          gateways: [
            {
              id: 'http-gw',
              url: http.url,
              headers: { authorization: 'Bearer gw-token' },
              response: { messageId: 'id', status: 'status', accepted: ['queued'] },
              timeoutMs: options.submitTimeoutMs ?? 1000,
              receipts: {
                secret: RECEIPT_SECRET,
                messageId: 'id',
                status: 'status',
                statusMap: { DELIVERED: 'delivered', FAILED: 'failed' },
              },
            },
          ],
        },
      },
      ...options.config,
    },
  });
  const { engine, base } = t;
  const closeAll = async () => {
    await t.close();
    await Promise.all([cheap.close(), second.close(), http.close()]);
  };
  try {
    const gateways: [string, string][] = [
      ['smsc-cheap', '44,United Kingdom,0.0200,1,1,0,2026-01-01\n33,France,0.0400,1,1,0,2026-01-01\n'],
      ['smsc-second', '44,United Kingdom,0.0250,1,1,0,2026-01-01\n'],
      ['http-gw', '44,United Kingdom,0.0280,1,1,0,2026-01-01\n1,North America,0.0100,1,1,0.005,2026-01-01\n'],
    ];
    for (const [id, rows] of gateways) {
      await engine.rating.registerCarrier({ carrierId: id, name: id, currency: 'EUR', preference: 1, trunks: [], service: 'sms' });
      await engine.rating.importDeck({ carrierId: id, file: deck(t.dir, id, rows) });
    }
    await engine.rating.sync();
    for (const p of options.people) {
      const r = await signedFetch(base, p, 'POST', '/v1/accounts', { currency: 'EUR' });
      if (r.status !== 201 && r.status !== 200) throw new Error(`opening ${p.keyid}: ${r.status} ${await r.text()}`);
    }
  } catch (error) {
    await closeAll();
    throw error;
  }
  let key = 0;
  return {
    engine,
    base,
    cheap,
    second,
    http,
    send: (who, body, k = `key-${++key}`) => signedFetch(base, who, 'POST', '/v1/sms', body, { 'idempotency-key': k }),
    async fund(number, amount) {
      const paymentId = `pi_${number}_${amount}_${++key}`;
      await engine.wallet.execute(
        number,
        { type: 'record-purchase', data: { processor: 'test', paymentId, processorEventId: paymentId, amount, currency: 'EUR' } },
        'test',
      );
    },
    close: closeAll,
  };
}
