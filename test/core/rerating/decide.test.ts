import { fold } from '../../../core/decider';
import { Decimal } from '../../../core/money';
import { rerateDecider } from '../../../core/rerating/decide';
import { evolveWallet, initialWallet, moneyEffect, type AccountStreamEvent } from '../../../core/wallet';

const charged = (callId: string, amount: string, fromPaid: string, route: 'pstn' | 'on-net' = 'pstn'): AccountStreamEvent => ({
  type: 'CallCharged',
  data: {
    accountId: 'acc-1',
    callId,
    origin: 'kamailio',
    destination: '+442079460000',
    route,
    seconds: 37.4,
    billedSeconds: 38,
    amount,
    currency: 'EUR',
    fromGrants: new Decimal(amount).minus(fromPaid).isZero()
      ? []
      : [{ grantId: 'g', amount: new Decimal(amount).minus(fromPaid).toFixed() }],
    fromPaid,
    answeredAt: '2026-11-20T10:00:00.000Z',
    endedAt: '2026-11-20T10:00:37.400Z',
  },
});
const at = '2026-11-26T00:00:00.000Z';
const rerate = (prices: Record<string, string>, runId = 'r1') => ({
  type: 'rerate' as const,
  data: {
    runId,
    planId: 'P',
    at,
    prices: Object.fromEntries(Object.entries(prices).map(([k, v]) => [k, { amount: v, billedSeconds: 38 }])),
  },
});

describe('rerating decider', () => {
  const history = [charged('c1', '1.00', '0.40'), charged('c2', '0.50', '0.50'), charged('free', '0', '0', 'on-net')];

  test('a higher price is taken from paid credit; the same price, an unknown call or an on-net call records nothing', () => {
    const s = fold(rerateDecider, history);
    const events = rerateDecider.decide(rerate({ c1: '1.50', c2: '0.50', ghost: '9', free: '1' }), s);
    expect(
      events.map((e) => e.type === 'CallRerated' && [e.data.callId, e.data.delta, e.data.paidChange, e.data.grant, e.data.sequence]),
    ).toEqual([['c1', '0.5', '-0.5', null, 1]]);
  });

  test('a refund goes to paid credit up to what paid credit carries of the call, the rest as promotional credit', () => {
    let s = fold(rerateDecider, history);
    const up = rerateDecider.decide(rerate({ c1: '1.50' }), s);
    s = up.reduce(rerateDecider.evolve, s); // paid now carries 0.40 + 0.50 of c1
    const [down] = rerateDecider.decide(rerate({ c1: '0.20' }, 'r2'), s);
    expect(down).toMatchObject({ data: { delta: '-1.3', paidChange: '0.9', grant: { amount: '0.4' }, sequence: 2, amountBefore: '1.5' } });
  });

  test('a lower price first cuts what the provider absorbed of the call: the customer gets back only what it paid', () => {
    const shortfall: AccountStreamEvent = {
      type: 'ChargeShortfall',
      data: { accountId: 'acc-1', kind: 'call', reference: 'c3', amount: '0.6', currency: 'EUR', reason: 'reservation-lapsed' },
    };
    // c3 cost 1.00: 0.40 paid, 0.60 absorbed
    const c3 = charged('c3', '1.00', '0.40');
    const s = fold(rerateDecider, [...history, { ...c3, data: { ...c3.data, fromGrants: [] } } as AccountStreamEvent, shortfall]);
    const [small] = rerateDecider.decide(rerate({ c3: '0.70' }), s);
    expect(small).toMatchObject({ data: { delta: '-0.3', paidChange: '0', grant: null } });
    const [large] = rerateDecider.decide(rerate({ c3: '0.10' }), s);
    expect(large).toMatchObject({ data: { delta: '-0.9', paidChange: '0.3', grant: null } });
    // after the small cut, 0.30 is still absorbed: a second cut takes that first
    const [next] = rerateDecider.decide(rerate({ c3: '0.50' }, 'r2'), rerateDecider.evolve(s, small!));
    expect(next).toMatchObject({ data: { delta: '-0.2', paidChange: '0', grant: null } });
  });

  test('the n-th correction of a call has one id: deciding it twice (two runs racing) gives the same event', () => {
    const s = fold(rerateDecider, history);
    const a = rerateDecider.decide(rerate({ c1: '1.20' }, 'r1'), s);
    const b = rerateDecider.decide(rerate({ c1: '1.20' }, 'r1'), s);
    expect(a).toEqual(b);
    expect(a[0]!.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('reverse puts back the charge before the run, only where that run is the last correction', () => {
    let s = fold(rerateDecider, history);
    s = rerateDecider.decide(rerate({ c1: '1.50', c2: '0.70' }, 'r1'), s).reduce(rerateDecider.evolve, s);
    s = rerateDecider.decide(rerate({ c2: '0.80' }, 'r2'), s).reduce(rerateDecider.evolve, s);
    const back = rerateDecider.decide({ type: 'reverse', data: { runId: 'r1', at } }, s);
    expect(back.map((e) => e.type === 'CallRerated' && [e.data.callId, e.data.amountAfter, e.data.runId])).toEqual([
      ['c1', '1', 'reverse:r1'],
    ]);
    s = back.reduce(rerateDecider.evolve, s);
    expect(rerateDecider.decide({ type: 'reverse', data: { runId: 'r1', at } }, s)).toEqual([]);
  });

  test('the wallet and the ledger move by the same amounts: paid by paidChange, promotional by the grant', () => {
    let s = fold(rerateDecider, history);
    const events = [...rerateDecider.decide(rerate({ c1: '1.50' }), s)];
    s = events.reduce(rerateDecider.evolve, s);
    events.push(...rerateDecider.decide(rerate({ c1: '0.20' }, 'r2'), s));
    const opened = { ...initialWallet, status: 'open' as const, accountId: 'acc-1', currency: 'EUR' };
    const wallet = events.reduce(evolveWallet, opened);
    const lines = events.map((e) => moneyEffect(e)!);
    const paid = lines.reduce((sum, l) => sum.plus(l.paid), new Decimal(0));
    const granted = lines.reduce((sum, l) => sum.plus(l.granted), new Decimal(0));
    expect([wallet.paid.toFixed(), paid.toFixed()]).toEqual(['0.4', '0.4']);
    expect([wallet.grants.reduce((sum, g) => sum.plus(g.remaining), new Decimal(0)).toFixed(), granted.toFixed()]).toEqual(['0.4', '0.4']);
  });
});
