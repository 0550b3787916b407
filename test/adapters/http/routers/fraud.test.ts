import { callsEngine, type CallsEngine } from '../../../support/calls-engine';
import { signedFetch, signer } from '../../../support/signed-fetch';

describe('the fraud routes against hostile requests', () => {
  const alice = signer('+442079461951');
  const admin = signer('ops-fraud-admin');
  const finance = signer('ops-fraud-finance');
  let bed: CallsEngine;
  const type = async (r: Response) => [r.status, ((await r.json()) as { type?: string }).type];
  beforeAll(async () => {
    bed = await callsEngine({
      people: [alice],
      operators: [
        { who: admin, roles: ['admin'] },
        { who: finance, roles: ['finance'] },
      ],
    });
    await bed.engine.wallet.execute(
      alice.keyid,
      {
        type: 'suspect-fraud',
        data: { rule: 'sms-pumping', epoch: 0, summary: 's', evidence: { numbers: 10 }, at: new Date().toISOString() },
      },
      'test',
    );
    await bed.engine.runner.catchUp('fraud-suspicions');
  });
  afterAll(() => bed.close());
  const clear = (body: unknown, who = admin) =>
    signedFetch(bed.base, who, 'POST', `/v1/accounts/${encodeURIComponent(alice.keyid)}/fraud/clear`, body);

  test('listing: bad or repeated filters are 400 problems; a number key or no key is refused', async () => {
    for (const q of ['status=open&status=all', 'status=maybe', 'number=abc', 'limit=1e9', 'limit=0', 'cursor=x'])
      expect([q, ...(await type(await signedFetch(bed.base, finance, 'GET', `/v1/fraud?${q}`)))]).toEqual([
        q,
        400,
        expect.stringMatching(/invalid/),
      ]);
    expect((await signedFetch(bed.base, alice, 'GET', '/v1/fraud')).status).toBe(403);
    expect((await fetch(`${bed.base}/v1/fraud`)).status).toBe(401);
    const listed = (await (await signedFetch(bed.base, finance, 'GET', `/v1/fraud?number=${encodeURIComponent(alice.keyid)}`)).json()) as {
      items: { suspicionId: string }[];
    };
    expect(listed.items.map((i) => i.suspicionId)).toEqual(['sms-pumping:0']);
  });

  test('clearing: only admins, only well-formed bodies; a bad body clears nothing', async () => {
    expect((await clear({ note: 'ok' }, finance)).status).toBe(403);
    for (const body of [
      {},
      { note: '' },
      { note: 'x'.repeat(501) },
      { note: 'ok', extra: 1 },
      JSON.parse('{"note":"ok","__proto__":{"x":1}}'),
    ])
      expect((await clear(body)).status).toBe(400);
    expect(Object.keys((await bed.engine.wallet.state(alice.keyid)).fraud.open)).toEqual(['sms-pumping:0']);
    expect(await type(await clear({ note: 'ok', suspicionIds: [] }))).toEqual([409, 'https://trunkline.dev/problems/suspicions-changed']);
    const r = await clear({ note: 'reviewed', suspicionIds: ['sms-pumping:0'] });
    expect([r.status, await r.json()]).toEqual([200, expect.objectContaining({ cleared: ['sms-pumping:0'], held: false })]);
    // the same clear again: nothing open, nothing recorded
    expect(await (await clear({ note: 'reviewed', suspicionIds: ['sms-pumping:0'] })).json()).toMatchObject({
      cleared: [],
      position: null,
    });
  });
});
