import { smsEngine, type SmsEngine } from '../../../support/sms-engine';
import { pageGetter } from '../../../support/record-pages';
import { signer } from '../../../support/signed-fetch';
import { waitFor } from '../../../support/wait';

describe('text records: every text with its steps, for its sender and for operators', () => {
  const alice = signer('+442079460958');
  const bob = signer('+447911123456');
  const ops = signer('ops-1');
  let bed: SmsEngine;
  const get = pageGetter(() => bed.base);
  const ids: string[] = [];

  beforeAll(async () => {
    bed = await smsEngine({ people: [alice, bob], operators: [{ who: ops, roles: ['finance'] }] });
    await bed.fund(alice.keyid, '5');
    await bed.fund(bob.keyid, '5');
    for (const [who, to, text, key] of [
      [alice, '+447911123457', 'hello', 'k1'],
      [alice, '+33612345678', 'bonjour €', 'k2'],
      [bob, '+447911123457', 'hi', 'k3'],
    ] as const) {
      const r = await bed.send(who, { to, text }, key);
      expect([r.status, r.status === 202 ? '' : await r.text()]).toEqual([202, '']);
      ids.push(((await r.json()) as { smsId: string }).smsId);
    }
    for (const p of bed.cheap.received.filter((m) => m.to === '447911123457').slice(0, 1)) bed.cheap.receipt(p, 'DELIVRD');
    await waitFor(
      async () => {
        await bed.engine.runner.catchUp('sms');
        return (await get(alice, `/v1/sms/${ids[0]}`)).body.status === 'delivered';
      },
      10_000,
      'the first text’s delivery receipt',
    );
    await bed.engine.runner.catchUp('sms');
  }, 30_000);
  afterAll(() => bed.close());

  test('GET /v1/accounts/me/texts: the sender’s texts newest first, each with segments, price, gateway and history', async () => {
    const r = await get(alice, '/v1/accounts/me/texts');
    expect(r.status).toBe(200);
    expect(r.body.items.map((t: { smsId: string }) => t.smsId)).toEqual([ids[1], ids[0]]);
    const first = r.body.items[1];
    expect(first).toMatchObject({
      to: '+447911123457',
      encoding: 'GSM-7',
      segments: 1,
      price: '0.03',
      currency: 'EUR',
      gateway: 'smsc-cheap',
      status: 'delivered',
    });
    expect(first!.history.map((s: { status: string }) => s.status)).toEqual(['accepted', 'submitted', 'receipt:delivered', 'delivered']);
    expect(first!.history[1]!.detail).toBe('smsc-cheap');
    expect(r.body.items[0]).toMatchObject({ encoding: 'GSM-7', characters: 9, to: '+33612345678' });
  });

  test('CSV carries the history as JSON; filters by status; pages by cursor', async () => {
    const page = await get(alice, '/v1/accounts/me/texts?limit=1&format=csv');
    const [header, row] = page.text.trim().split('\n');
    expect(header).toContain('smsId,from,to');
    expect(row).toContain(ids[1]);
    const one = await get(alice, '/v1/accounts/me/texts?limit=1');
    const two = await get(alice, `/v1/accounts/me/texts?limit=1&cursor=${one.body.next}`);
    expect([one.body.items[0]!.smsId, two.body.items[0]!.smsId, two.body.next]).toEqual([ids[1], ids[0], null]);
    expect((await get(alice, '/v1/accounts/me/texts?status=refunded')).body.items).toEqual([]);
  });

  test('GET /v1/texts is for operators; a number sees only its own texts', async () => {
    expect((await get(bob, '/v1/accounts/me/texts')).body.items.map((t: { smsId: string }) => t.smsId)).toEqual([ids[2]]);
    expect((await get(bob, '/v1/texts')).status).toBe(403);
    const all = await get(ops, '/v1/texts');
    expect(all.body.items.map((t: { smsId: string }) => t.smsId).sort()).toEqual([...ids].sort());
    expect(all.body.items[0]).toHaveProperty('accountId');
    const toFrance = await get(ops, '/v1/texts?prefix=33&gateway=smsc-cheap');
    expect(toFrance.body.items.map((t: { smsId: string }) => t.smsId)).toEqual([ids[1]]);
    expect(
      (await get(ops, `/v1/texts?account=${encodeURIComponent(bob.keyid)}`)).body.items.map((t: { smsId: string }) => t.smsId),
    ).toEqual([ids[2]]);
  });
});
