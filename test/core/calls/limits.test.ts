import { DomainError } from '../../../core/decider';
import type { CallCommand, CallPolicy } from '../../../core/calls/commands';
import type { AccountStreamEvent, WalletCommand } from '../../../core/wallet';
import { accountDecider } from '../../../core/accounts/account';
import { answeredCdr } from './answered-cdr';
import { funded, stateOf, when } from '../wallet/given';

const row = { rate: '0.01', connectFee: '0', initial: 1, subsequent: 1, minimum: 0 };
const pstn = { kind: 'pstn' as const, retail: { prefix: '44', row }, carriers: [] };
const base: CallPolicy = { grantSeconds: 60, reservationTtlSeconds: 30, chargeDecimals: 6 };
const limited = (maxConcurrentCalls: number | null, maxCallsPerMinute: number | null): CallPolicy => ({
  ...base,
  limits: { maxConcurrentCalls, maxCallsPerMinute },
});
const authorize = (callId: string, at: string, policy: CallPolicy): CallCommand => ({
  type: 'authorize-call',
  data: { callId, destination: '+442079460000', route: pstn, at, policy },
});
const end = (callId: string, at: string): CallCommand => answeredCdr(callId, 10, { endedAt: at, policy: base });
const refusal = (given: readonly AccountStreamEvent[], c: WalletCommand): DomainError | null => {
  try {
    when(given, c);
  } catch (error) {
    return error as DomainError;
  }
  return null;
};
const T = (s: number) => new Date(Date.parse('2026-12-01T10:00:00.000Z') + s * 1000).toISOString();

describe('call limits', () => {
  test('no more calls up at once than allowed; one ending frees a slot; a lapsed one does not count', () => {
    const given = funded('100');
    const p = limited(2, null);
    const up = [...given, ...when(given, authorize('a', T(0), p), authorize('b', T(1), p))];
    const refused = refusal(up, authorize('c', T(2), p));
    expect(refused).toMatchObject({ code: 'concurrent-call-limit', details: { maxConcurrentCalls: 2 } });
    // the same call asked again is the same answer, not a new call over the limit
    expect(when(up, authorize('a', T(2), p))).toEqual([]);
    const ended = [...up, ...when(up, end('a', T(3)))];
    expect(when(ended, authorize('c', T(4), p))[0]!.type).toBe('CallAuthorized');
    // b's grant (60 s) and its CDR wait (30 s) are over at T(91): it no longer holds a slot
    const after = [...ended, ...when(ended, authorize('c', T(4), p))];
    expect(refusal(after, authorize('d', T(50), p))?.code).toBe('concurrent-call-limit');
    expect(when(after, authorize('d', T(92), p))[0]!.type).toBe('CallAuthorized');
  });

  test('no more new calls a minute than allowed, with a Retry-After of when the oldest leaves the window', () => {
    const given = funded('100');
    const p = limited(null, 3);
    let log = given;
    for (const [id, s] of [
      ['a', 0],
      ['b', 10],
      ['c', 20],
    ] as const) {
      log = [...log, ...when(log, authorize(id, T(s), p))];
      log = [...log, ...when(log, end(id, T(s + 1)))];
    }
    expect(refusal(log, authorize('d', T(30), p))).toMatchObject({
      code: 'call-rate-limit',
      details: { maxCallsPerMinute: 3, retryAfterSeconds: 30 },
    });
    expect(when(log, authorize('d', T(61), p))[0]!.type).toBe('CallAuthorized');
  });

  test('an operator’s limits for the account win over the provider’s; null gives the default back', () => {
    const given = funded('100');
    const set = (log: readonly AccountStreamEvent[], maxConcurrentCalls: number | null, maxCallsPerMinute: number | null) =>
      accountDecider.decide(
        { type: 'set-call-limits', data: { maxConcurrentCalls, maxCallsPerMinute } },
        fold(log),
      ) as AccountStreamEvent[];
    const one = [...given, ...set(given, 1, null)];
    expect(stateOf(one).callLimits).toEqual({ maxConcurrentCalls: 1, maxCallsPerMinute: null });
    const first = [...one, ...when(one, authorize('a', T(0), limited(5, null)))];
    expect(refusal(first, authorize('b', T(1), limited(5, null)))?.code).toBe('concurrent-call-limit');
    // with no provider default at all, the account's own limit still holds
    expect(refusal(first, authorize('b', T(1), base))?.code).toBe('concurrent-call-limit');
    const back = [...first, ...set(first, null, null)];
    expect(when(back, authorize('b', T(1), limited(5, null)))[0]!.type).toBe('CallAuthorized');
  });
});

describe('the most one call may cost', () => {
  const capped = (cap: string): CallPolicy => ({ ...base, maxCallCost: { EUR: cap } });
  const extend = (callId: string, at: string, policy: CallPolicy): CallCommand => ({ type: 'extend-call', data: { callId, at, policy } });

  test('the grant stops where the price reaches the cap, and so does every extension', () => {
    const given = funded('100');
    // 0.01 a minute, per second: 0.005 buys 30 s
    const [authorized] = when(given, authorize('a', T(0), capped('0.005')));
    expect(authorized).toMatchObject({ type: 'CallAuthorized', data: { grantedSeconds: 30, reserved: '0.005' } });
    expect(refusal([...given, authorized!], extend('a', T(25), capped('0.005')))).toMatchObject({
      code: 'call-cost-cap',
      details: { maxCallCost: '0.005' },
    });
    // another currency's cap is not this account's
    expect(when(given, authorize('b', T(0), { ...base, maxCallCost: { USD: '0.001' } }))[0]).toMatchObject({
      data: { grantedSeconds: 60 },
    });
  });

  test('a cap below the first increment refuses the call as the cap, not as credit', () => {
    expect(refusal(funded('100'), authorize('a', T(0), capped('0.0000001')))?.code).toBe('call-cost-cap');
    expect(refusal(funded('0.0000001'), authorize('a', T(0), capped('5')))?.code).toBe('insufficient-credit');
  });
});

describe('what one account may be charged a day and a month', () => {
  const caps = (perDay?: string, perMonth?: string): CallPolicy => ({
    ...base,
    spendCaps: { EUR: { ...(perDay ? { perDay } : {}), ...(perMonth ? { perMonth } : {}) } },
  });

  test('holds count as spent: the grants of calls at once stop at the day’s cap, then calls are refused', () => {
    const given = funded('100');
    const p = caps('0.015');
    // 0.01 a minute, per second: the first call gets its full minute (0.01), the second what is left (30 s)
    const [a] = when(given, authorize('a', T(0), p));
    expect(a).toMatchObject({ data: { grantedSeconds: 60, reserved: '0.01' } });
    const [b] = when([...given, a!], authorize('b', T(1), p));
    expect(b).toMatchObject({ data: { grantedSeconds: 30, reserved: '0.005' } });
    expect(refusal([...given, a!, b!], authorize('c', T(2), p))).toMatchObject({
      code: 'spend-cap-reached',
      details: { cap: 'day', limit: '0.015', left: '0' },
    });
  });

  test('charges count by their day and month; the next day the day’s cap starts again, the month’s does not', () => {
    const given = funded('100');
    const p = caps('0.001', '0.0025');
    const day = (n: number, seconds: number) => new Date(Date.parse(T(seconds)) + n * 86_400_000).toISOString();
    // 0.001 buys 6 s; the CDR's 10 s are charged up to the grant
    let log = [...given, ...when(given, authorize('a', day(0, 0), p))];
    log = [...log, ...when(log, end('a', day(0, 60)))];
    expect(stateOf(log).spend).toMatchObject({ day: '2026-12-01', dayTotal: '0.001', month: '2026-12', monthTotal: '0.001' });
    expect(refusal(log, authorize('b', day(0, 120), p))).toMatchObject({ code: 'spend-cap-reached', details: { cap: 'day' } });
    log = [...log, ...when(log, authorize('b', day(1, 0), p))];
    log = [...log, ...when(log, end('b', day(1, 60)))];
    // the third day: the day allows 0.001, the month only 0.0005 more
    const [c] = when(log, authorize('c', day(2, 0), p));
    expect(c).toMatchObject({ data: { grantedSeconds: 3, reserved: '0.0005' } });
    expect(refusal([...log, c!], authorize('d', day(2, 10), p))).toMatchObject({ code: 'spend-cap-reached', details: { cap: 'month' } });
  });
});

function fold(events: readonly AccountStreamEvent[]) {
  let s = accountDecider.initialState;
  for (const e of events) if ((accountDecider.evolvesOn as readonly string[]).includes(e.type)) s = accountDecider.evolve(s, e as never);
  return s;
}
