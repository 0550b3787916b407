import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../core/clock';
import { ROOT } from './cli';
import { signedFetch, type Signer } from './signed-fetch';
import { testEngine, type TestEngine } from './test-engine';

export const QUALITY_PLUGIN = join(ROOT, 'plugins', 'quality-routing');
const trunk = { host: '127.0.0.1', port: 5080, transport: 'udp' as const, techPrefix: '', channels: 0, username: '', password: '' };

/** An instant on 4 Dec 2026 at 10:00 plus `minute` minutes: the event time of a generated CDR. */
export const minuteAt = (minute: number) => new Date(Date.UTC(2026, 11, 4, 10, minute)).toISOString();

/**
 * An engine with the quality-routing plugin, carriers alpha (0.0100/min) and beta (0.0120/min)
 * for +44, retail at 50 % over alpha, and `caller` holding 100 EUR; the same configuration in
 * the data directory for the CLI. `call` authorizes a call through the call service and ends it
 * at `endedAt`: answered by a carrier, or failed with a reason. It returns the routes offered.
 */
export async function qualityBed(o: {
  caller: Signer;
  options: Record<string, unknown>;
  clock: Clock;
  env?: Record<string, string>;
  operators?: { who: Signer; roles: string[] }[];
}) {
  const config = { plugins: [{ module: QUALITY_PLUGIN, options: o.options }], pluginOptions: { pricing: { markupPercent: '50' } } };
  const t: TestEngine = await testEngine({
    numbers: [o.caller],
    clock: o.clock,
    config,
    ...(o.env ? { env: o.env } : {}),
    ...(o.operators ? { operators: o.operators } : {}),
  });
  writeFileSync(join(t.dir, 'trunkline.json'), JSON.stringify(config));
  for (const [carrierId, rate, preference] of [
    ['alpha', '0.0100', 1],
    ['beta', '0.0120', 2],
  ] as const) {
    await t.engine.rating.registerCarrier({ carrierId, name: carrierId, currency: 'EUR', preference, trunks: [trunk] });
    const file = join(t.dir, `${carrierId}.csv`);
    writeFileSync(
      file,
      `prefix,destination,rate,initial,subsequent,connect_fee,effective_from\n44,United Kingdom,${rate},1,1,0,2026-01-01\n`,
    );
    await t.engine.rating.importDeck({ carrierId, file });
  }
  await t.engine.rating.sync();
  const opened = await signedFetch(t.base, o.caller, 'POST', '/v1/accounts', { currency: 'EUR' });
  if (opened.status !== 201) throw new Error(`account not opened: ${opened.status}`);
  await t.engine.wallet.execute(
    o.caller.keyid,
    { type: 'record-purchase', data: { processor: 'test', paymentId: 'pi_q', processorEventId: 'pi_q', amount: '100', currency: 'EUR' } },
    'test',
  );
  let n = 0;
  const call = async (
    destination: string,
    endedAt: string,
    outcome: ({ carrier: string; seconds?: number } | { reason: string }) & { pdd?: number },
  ) => {
    const callId = `q${++n}`;
    const auth = await t.engine.calls.authorize({ callId, caller: o.caller.keyid, destination });
    const answered = 'carrier' in outcome;
    const seconds = answered ? (outcome.seconds ?? 60) : 0;
    await t.engine.calls.cdr({
      callId,
      caller: o.caller.keyid,
      origin: 'test',
      answered,
      seconds,
      answeredAt: answered ? new Date(Date.parse(endedAt) - seconds * 1000).toISOString() : null,
      endedAt,
      carrierId: answered ? outcome.carrier : null,
      ...(outcome.pdd !== undefined ? { pddSeconds: outcome.pdd } : {}),
      reason: answered ? 'BYE' : outcome.reason,
      raw: {},
    });
    return auth.routes.map((r) => r.carrierId);
  };
  /** What a serving engine's refresh job does every few seconds. */
  const refresh = async () => {
    await t.engine.runner.catchUp('carrier-quality');
    await t.engine.rating.refreshRoutePolicies(t.engine.readModels);
  };
  return { t, call, refresh };
}
