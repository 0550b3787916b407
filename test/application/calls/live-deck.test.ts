import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { awaitRollout } from '../../../adapters/cli/await-rollout';
import { loadConfig, type Config } from '../../../adapters/runtime/config';
import { createEngine, type Engine } from '../../../adapters/runtime/engine';
import { freePort } from '../../beds/free-port';
import { rawPublicKey, signedFetch, signer } from '../../support/signed-fetch';

/**
 * A serving engine and an operator's engine (what the CLI runs) on one data directory: once the
 * operator's import has rolled out, the next authorization is priced on the new deck, and the
 * charge and carrier cost of each call say which sheet and deck they were priced on.
 */
describe('a deck imported by another process while calls go on', () => {
  const alice = signer('+442079460958');
  const UK = '+442079460000';
  let dir: string;
  let config: Config;
  let serving: Engine;
  let operator: Engine;
  let base: string;

  const importDeck = async (version: number, rate: string) => {
    const file = join(dir, `alpha-v${version}.csv`);
    writeFileSync(
      file,
      `prefix,destination,rate,initial,subsequent,connect_fee,effective_from\n44,United Kingdom,${rate},1,1,0,2026-01-01\n`,
    );
    const committedAt = Date.now();
    const r = await operator.rating.importDeck({ carrierId: 'alpha', file });
    expect(r.version).toBe(version);
    await operator.rating.sync();
    await awaitRollout(await operator.servingNodes(), operator.lookup.lastRead().revision, committedAt, 5_000, () => undefined);
    return operator.lookup.lastRead().revision;
  };
  const events = async (type: string) => {
    const out: Record<string, unknown>[] = [];
    for await (const e of serving.store.readStream(`account-${alice.keyid}`)) if (e.type === type) out.push(e.data);
    return out;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trunkline-live-deck-'));
    writeFileSync(join(dir, 'directory.json'), JSON.stringify({ numbers: { [alice.keyid]: { keys: [rawPublicKey(alice.publicKey)] } } }));
    const port = await freePort();
    config = {
      ...loadConfig({ env: {}, flags: { dataDir: dir }, cwd: dir }),
      port,
      host: '127.0.0.1',
      pluginOptions: { pricing: { markupPercent: '50' } },
    };
    base = `http://127.0.0.1:${port}`;
    const logger = pino({ level: 'silent' });
    serving = await createEngine(config, { logger });
    await serving.serve();
    operator = await createEngine(config, { logger });
    await operator.rating.registerCarrier({
      carrierId: 'alpha',
      name: 'Alpha',
      currency: 'EUR',
      preference: 1,
      trunks: [{ host: '127.0.0.1', port: 5080, transport: 'udp', techPrefix: '', channels: 0, username: '', password: '' }],
    });
    expect((await signedFetch(base, alice, 'POST', '/v1/accounts', { currency: 'EUR' })).status).toBe(201);
    await serving.wallet.execute(
      alice.keyid,
      { type: 'record-purchase', data: { processor: 'test', paymentId: 'pi_1', processorEventId: 'pi_1', amount: '10', currency: 'EUR' } },
      'test',
    );
  }, 60_000);
  afterAll(async () => {
    await operator?.close();
    await serving?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('authorized on the deck live at the time; charged and costed on the deck it was authorized on', async () => {
    const v1 = await importDeck(1, '0.0100');
    const first = await serving.calls.authorize({ callId: 'c1', caller: alice.keyid, destination: UK });
    expect(first.rate).toMatchObject({ ratePerMinute: '0.015', sheetVersion: v1 });
    expect(first.routes[0]).toMatchObject({ carrierId: 'alpha', deckVersion: 1 });

    // v2 while c1 is up: the very next authorization is on it
    const v2 = await importDeck(2, '0.0200');
    expect(v2).toBeGreaterThan(v1);
    const second = await serving.calls.authorize({ callId: 'c2', caller: alice.keyid, destination: UK });
    expect(second.rate).toMatchObject({ ratePerMinute: '0.03', sheetVersion: v2 });
    expect(second.routes[0]).toMatchObject({ carrierId: 'alpha', deckVersion: 2 });

    const cdr = (callId: string) =>
      serving.calls.cdr({
        callId,
        caller: alice.keyid,
        origin: 'test',
        answered: true,
        seconds: 60,
        answeredAt: '2026-12-04T10:00:00.000Z',
        endedAt: '2026-12-04T10:01:00.000Z',
        carrierId: 'alpha',
        reason: 'BYE',
        raw: {},
      });
    expect(await cdr('c2')).toMatchObject({ charged: '0.03', sheetVersion: v2, deckVersion: 2 });
    // c1 keeps the prices it was authorized on, for the customer and for the carrier's cost
    expect(await cdr('c1')).toMatchObject({ charged: '0.015', sheetVersion: v1, deckVersion: 1 });
    const costs = await events('CarrierCostRecorded');
    expect(costs.map((c) => [c['callId'], c['cost'], c['deckVersion']])).toEqual([
      ['c2', '0.02', 2],
      ['c1', '0.01', 1],
    ]);
  }, 60_000);

  test('pricing options and blocked prefixes recorded by the operator apply to the next authorization', async () => {
    const rollOut = async (change: Parameters<Engine['rating']['setSettings']>[0]) => {
      const committedAt = Date.now();
      expect((await operator.rating.setSettings(change)).changed).toBe(true);
      await operator.rating.sync();
      await awaitRollout(await operator.servingNodes(), operator.lookup.lastRead().revision, committedAt, 5_000, () => undefined);
    };
    const head = await serving.store.head();
    // not valid for the policy: refused before anything is recorded
    await expect(operator.rating.setSettings({ pricing: { markupPercent: 'lots' } })).rejects.toThrow(/markupPercent/);
    await expect(operator.rating.setSettings({ pricing: { noSuchOption: '1' } })).rejects.toThrow(/pricing options/);
    // a prototype key is an unknown option like any other
    await expect(operator.rating.setSettings({ pricing: JSON.parse('{"__proto__":{"markupPercent":"0"}}') as never })).rejects.toThrow(
      /pricing options/,
    );
    expect(await serving.store.head()).toBe(head);

    await rollOut({ pricing: { markupPercent: '100' } });
    const dearer = await serving.calls.authorize({ callId: 'c3', caller: alice.keyid, destination: UK });
    expect(dearer.rate).toMatchObject({ ratePerMinute: '0.04' });
    // the same options again change nothing
    expect((await operator.rating.setSettings({ pricing: { markupPercent: '100' } })).changed).toBe(false);

    await rollOut({ blockedPrefixes: ['4420'] });
    await expect(serving.calls.authorize({ callId: 'c4', caller: alice.keyid, destination: UK })).rejects.toMatchObject({
      code: 'blocked-destination',
    });
    await rollOut({ blockedPrefixes: [] });
    expect((await serving.calls.authorize({ callId: 'c5', caller: alice.keyid, destination: UK })).allow).toBe(true);
  }, 60_000);
});
