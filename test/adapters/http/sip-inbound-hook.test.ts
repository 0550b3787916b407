import { callsEngine, type CallsEngine } from '../../support/calls-engine';
import { signedFetch, signer } from '../../support/signed-fetch';

/** The federation's inbound hook: a peer's call admitted for this provider's users only, free, on the callee's records. */
describe('SIP hooks: a peer provider’s inbound call', () => {
  const bob = signer('+447911123456');
  const stranger = '+33142685300';
  let bed: CallsEngine;
  beforeAll(async () => {
    bed = await callsEngine({
      people: [bob],
      // the directory: who serves each caller's number
      onNet: {
        '+442079460958': 'sip:+442079460958@ProviderA.test',
        '+442079460777': 'sip:+442079460777@elsewhere.test:5061;transport=tls',
      },
    });
  });
  afterAll(() => bed.close());

  const events = async (number: string) => {
    const out: { type: string; data: Record<string, unknown> }[] = [];
    for await (const e of bed.engine.store.readStream(`account-${number}`)) out.push({ type: e.type, data: e.data });
    return out;
  };
  const inbound = (callId: string, callee: string) =>
    bed.hook('inbound', { call_id: callId, caller: '+442079460958', callee, peer: 'providera.test' });

  test('a user of this provider: admitted and recorded once on their account, nothing held or charged', async () => {
    const first = await inbound('fed-1', bob.keyid);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ allow: true, callId: 'fed-1', route: 'on-net-inbound' });
    // the proxy retrying records nothing more
    expect((await inbound('fed-1', bob.keyid)).status).toBe(200);
    const received = (await events(bob.keyid)).filter((e) => e.type === 'PeerCallReceived');
    expect(received.map((e) => e.data)).toEqual([
      expect.objectContaining({ callId: 'fed-1', caller: '+442079460958', peer: 'providera.test', currency: 'EUR' }),
    ]);
    const state = await bed.engine.wallet.state(bob.keyid);
    expect([state.paid.toFixed(), state.reserved.toFixed()]).toEqual(['0', '0']);
  });

  test("the callee's call records show it as an inbound on-net call from the asserted caller, free", async () => {
    await bed.engine.runner.catchUp('call-records');
    const page = (await (await signedFetch(bed.base, bob, 'GET', '/v1/accounts/me/calls')).json()) as { items: Record<string, unknown>[] };
    expect(page.items.find((c) => c['callId'] === 'fed-1')).toMatchObject({
      caller: '+442079460958',
      callee: bob.keyid,
      route: 'on-net-inbound',
      outcome: 'received',
      price: '0',
      cause: 'providera.test',
    });
  });

  test('no open relay: a number that is no account here is refused and nothing is recorded anywhere', async () => {
    const r = await inbound('fed-2', stranger);
    expect(r.status).toBe(404);
    expect(((await r.json()) as { type: string }).type).toMatch(/no-account$/);
    expect(await events(stranger)).toEqual([]);
  });

  test('the peer asserts only its own users: a caller the directory gives to another provider, or to none, is refused', async () => {
    const other = await bed.hook('inbound', { call_id: 'fed-4', caller: '+442079460777', callee: bob.keyid, peer: 'providera.test' });
    expect([other.status, ((await other.json()) as { type: string; detail: string }).detail]).toEqual([
      403,
      '+442079460777 is served by elsewhere.test, not by providera.test',
    ]);
    const nobody = await bed.hook('inbound', { call_id: 'fed-5', caller: '+33142685300', callee: bob.keyid, peer: 'providera.test' });
    expect([nobody.status, ((await nobody.json()) as { type: string }).type]).toEqual([403, expect.stringMatching(/caller-not-at-peer$/)]);
    expect((await events(bob.keyid)).filter((e) => ['fed-4', 'fed-5'].includes(String(e.data['callId'])))).toEqual([]);
  });

  test('refused without the hook secret, and for a body without the peer', async () => {
    expect(
      (await bed.hook('inbound', { call_id: 'x', caller: '+1', callee: bob.keyid, peer: 'p' }, 'wrong-secret-0123456789')).status,
    ).toBe(401);
    expect((await bed.hook('inbound', { call_id: 'fed-3', caller: '+442079460958', callee: bob.keyid })).status).toBe(400);
    expect((await events(bob.keyid)).filter((e) => e.data['callId'] === 'fed-3')).toEqual([]);
  });
});
