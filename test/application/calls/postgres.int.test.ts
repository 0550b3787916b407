import { callsEngine, type CallsEngine } from '../../support/calls-engine';
import { describePostgres } from '../../support/postgres';
import { signer } from '../../support/signed-fetch';

/** Two engine processes' worth of pools on one PostgreSQL store: reservations still never overdraw. */
describePostgres('call authorization across two nodes on PostgreSQL', (newDatabase) => {
  const frank = signer('+447911123459');
  const nodes: CallsEngine[] = [];
  beforeAll(async () => {
    const url = await newDatabase();
    const env = { TRUNKLINE_STORE: 'postgres', TRUNKLINE_POSTGRES_URL: url };
    for (let i = 0; i < 2; i++) nodes.push(await callsEngine({ people: [frank], env, config: { callGrantSeconds: 60 } }));
  });
  afterAll(async () => {
    for (const n of nodes) await n.close();
  });

  test('100 simultaneous authorizations through both nodes on credit for 3 calls: 3 allowed, and their CDRs charge once', async () => {
    await nodes[0]!.fund(frank.keyid, '0.045');
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        nodes[i % 2]!.hook('authorize', { call_id: `pg-${i}`, caller: frank.keyid, callee: '+442079460000' }).then(async (r) => ({
          i,
          status: r.status,
        })),
      ),
    );
    const allowed = results.filter((r) => r.status === 200);
    expect(allowed).toHaveLength(3);
    expect(results.every((r) => r.status === 200 || r.status === 402)).toBe(true);
    // each allowed call's CDR, posted to both nodes at once: charged once each, never beyond the credit
    await Promise.all(
      allowed.flatMap(({ i }) =>
        nodes.map((n) =>
          n.hook('cdr', {
            call_id: `pg-${i}`,
            caller: frank.keyid,
            disposition: 'ANSWERED',
            answer_ts: 1_796_000_000,
            end_ts: 1_796_000_090,
          }),
        ),
      ),
    );
    const s = await nodes[1]!.engine.wallet.state(frank.keyid);
    expect([s.paid.toFixed(), s.reserved.toFixed()]).toEqual(['0', '0']);
    let charges = 0;
    for await (const e of nodes[0]!.engine.store.readStream(`account-${frank.keyid}`)) if (e.type === 'CallCharged') charges++;
    expect(charges).toBe(3);
  });
});
