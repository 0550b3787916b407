import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sqliteEventStore } from '../../../adapters/event-store/sqlite';
import { accountStream } from '../../../core/accounts/account';
import { deriveId } from '../../../core/ids';
import { signedFetch, signer } from '../../support/signed-fetch';
import { testEngine, type TestEngine } from '../../support/test-engine';
import { waitFor } from '../../support/wait';

/** An old log holding an event no schema allows (written before appends were checked), on SQLite. */
describe('a projection that cannot apply an event in the log', () => {
  const alice = signer('+442079463001');
  let t: TestEngine;
  let dir: string;
  let bad: { position: number; id: string };

  beforeAll(async () => {
    const first = await testEngine({ numbers: [alice], keepData: true });
    dir = first.dir;
    expect((await signedFetch(first.base, alice, 'POST', '/v1/accounts', { currency: 'EUR' })).status).toBe(201);
    await first.close();
    // straight into the backend, past the schema check, as an older engine could have
    const raw = sqliteEventStore({ path: join(dir, 'events.sqlite') });
    const id = deriveId('test-bad-purchase', alice.keyid);
    const r = await raw.append(
      accountStream(alice.keyid),
      [
        {
          id,
          type: 'CreditPurchased',
          schemaVersion: 1,
          data: {
            accountId: 'x',
            processor: 'stripe',
            paymentId: 'pi_bad',
            processorEventId: 'evt_bad',
            amount: '-5',
            credit: '-5',
            currency: 'EUR',
          },
          metadata: {},
        },
      ],
      'any',
    );
    bad = { position: r.position, id };
    await raw.close();
    t = await testEngine({ numbers: [alice], config: { dataDir: dir } });
    await t.engine.runner.start();
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const status = async (name: string) => (await t.engine.runner.status()).find((s) => s.name === name)!;

  it('stops that projection at the event, names it in status, /readyz and /metrics; the others go on', async () => {
    await waitFor(async () => (await status('balances')).stopped !== null, 10_000, 'balances to stop');
    expect((await status('balances')).stopped).toMatchObject({ position: bad.position, eventId: bad.id, type: 'CreditPurchased' });
    expect((await status('balances')).stopped!.error).toMatch(/does not match its schema/);
    await waitFor(async () => (await status('sms')).lag === 0, 10_000, 'sms past the event');
    expect((await status('sms')).stopped).toBeNull();

    const ready = await fetch(`${t.base}/readyz`);
    const body = (await ready.json()) as { detail: string; projections: { name: string; stoppedAt: unknown }[] };
    expect(ready.status).toBe(503);
    expect(body.detail).toContain(`projection balances stopped at event ${bad.position} (${bad.id}, CreditPurchased)`);
    expect(body.projections.find((p) => p.name === 'balances')!.stoppedAt).toEqual({
      position: bad.position,
      eventId: bad.id,
      type: 'CreditPurchased',
    });
    // the error itself stays in the log and the CLI
    expect(JSON.stringify(body)).not.toMatch(/schema/);

    const metrics = await (await fetch(`${t.base}/metrics`)).text();
    expect(metrics).toContain('trunkline_projection_stopped{projection="balances"} 1');
    expect(metrics).toContain('trunkline_projection_stopped{projection="sms"} 0');
  });

  it('resumes after a fix and a rebuild', async () => {
    // the operator's repair of the log (what a corrected upcaster would do on read)
    const db = new Database(join(dir, 'events.sqlite'));
    db.prepare(`UPDATE events SET data = json_set(data, '$.amount', '5', '$.credit', '5') WHERE id = ?`).run(bad.id);
    db.close();
    await t.engine.runner.rebuild('balances');
    await waitFor(async () => (await status('balances')).stopped === null && (await status('balances')).lag === 0, 10_000, 'resumed');
    const metrics = await (await fetch(`${t.base}/metrics`)).text();
    expect(metrics).toContain('trunkline_projection_stopped{projection="balances"} 0');
    const ready = (await (await fetch(`${t.base}/readyz`)).json()) as { projections: { name: string; stoppedAt: unknown }[] };
    expect(ready.projections.find((p) => p.name === 'balances')!.stoppedAt).toBeNull();
  });
});
