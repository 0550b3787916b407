import type { RecordedEvent } from '../../core/events/envelope';
import { seeded } from './random';

const MINUTE = 60_000;
const START = Date.parse('2026-11-01T00:00:00Z');
const CALLER_NUMBERS = ['+442079460101', '+442079460102', '+33142685301', '+447911123401', '+442079460105'];
/** Destinations in many countries, and one Latvian range that short calls and texts return to. */
const FOREIGN = [
  '+33142685300',
  '+4930123456',
  '+34912345678',
  '+390612345678',
  '+31201234567',
  '+46812345678',
  '+48221234567',
  '+35312345678',
];
const RANGE = '+3718000';

type Data = Record<string, unknown>;

/**
 * An account stream log for the velocity projection, seeded: five accounts over four days of
 * paid calls (some unanswered, some longer than the two hours activity rows are kept), texts,
 * plugin charges and a review; bursts to many countries, short calls to one range, texts to one
 * thousand-number range and an hour of more texts than the rules read. Enough for every rule to
 * hit at least once, and for rows to age out of the tables while it runs.
 */
export function velocityLog(seed = 7): RecordedEvent[] {
  const rnd = seeded(seed);
  const events: RecordedEvent[] = [];
  const versions = new Map<string, number>();
  const at = (ms: number) => new Date(ms).toISOString();
  const push = (number: string, type: string, data: Data, recordedMs: number) => {
    const stream = `account-${number}`;
    const version = versions.get(stream) ?? 0;
    versions.set(stream, version + 1);
    events.push({
      id: `${stream}-${version}`,
      type,
      schemaVersion: 1,
      data: { accountId: `acc-${number.slice(1)}`, ...data },
      metadata: { actor: 'test' },
      stream,
      version,
      position: events.length + 1,
      recordedAt: at(recordedMs),
    });
  };
  let n = 0;
  const call = (number: string, to: string, startMs: number, seconds: number | null, amount: string) => {
    const callId = `c${++n}`;
    push(number, 'CallAuthorized', callAuthorized(callId, to, at(startMs)), startMs);
    if (seconds === null)
      push(number, 'CallFailed', { callId, origin: number, reason: '486', endedAt: at(startMs + 5_000) }, startMs + 5_000);
    else
      push(
        number,
        'CallCharged',
        callCharged(number, callId, to, at(startMs), at(startMs + seconds * 1000), seconds, amount),
        startMs + seconds * 1000,
      );
  };
  const text = (number: string, to: string, ms: number, charge: boolean) => {
    const smsId = `s${++n}`;
    push(number, 'SmsAccepted', smsAccepted(number, smsId, to, at(ms)), ms);
    if (charge)
      push(
        number,
        'SmsCharged',
        { smsId, to, segments: 1, amount: '0.05', currency: 'EUR', fromGrants: [], fromPaid: '0.05', at: at(ms + 1000) },
        ms + 1000,
      );
  };
  CALLER_NUMBERS.forEach((number, i) => push(number, 'AccountOpened', accountOpened(number), START + i * MINUTE));
  for (let hour = 0; hour < 96; hour++) {
    const base = START + hour * 60 * MINUTE;
    for (const number of CALLER_NUMBERS) {
      const calls = rnd.int(0, 3);
      for (let i = 0; i < calls; i++)
        call(
          number,
          rnd.pick(FOREIGN.slice(0, 2)),
          base + rnd.int(1, 50) * MINUTE,
          rnd.next() < 0.2 ? null : rnd.int(20, 600),
          `0.${rnd.digits(2)}`,
        );
      if (rnd.next() < 0.3) text(number, rnd.pick(FOREIGN), base + rnd.int(1, 50) * MINUTE, true);
      if (rnd.next() < 0.1)
        push(
          number,
          'WalletCharged',
          walletCharged(
            `w${++n}`,
            rnd.next() < 0.5 ? rnd.pick(FOREIGN) : null,
            `${rnd.int(1, 3)}.${rnd.digits(2)}`,
            at(base + 55 * MINUTE),
          ),
          base + 55 * MINUTE,
        );
    }
  }
  const burst = START + 30 * 60 * MINUTE;
  // many countries in minutes; short calls to one range; texts to one thousand-number range; a call of three hours
  FOREIGN.forEach((to, i) => call(CALLER_NUMBERS[0]!, to, burst + i * MINUTE, 30, '0.20'));
  for (let i = 0; i < 12; i++) call(CALLER_NUMBERS[1]!, `${RANGE}${rnd.digits(4)}`, burst + i * MINUTE, 3, '0.50');
  for (let i = 0; i < 12; i++) text(CALLER_NUMBERS[2]!, `${RANGE}${String(i).padStart(4, '0')}`, burst + i * MINUTE, i % 2 === 0);
  call(CALLER_NUMBERS[3]!, FOREIGN[2]!, burst, 3 * 3600, '95.00');
  push(
    CALLER_NUMBERS[0]!,
    'FraudCleared',
    { suspicionIds: ['x'], by: 'ops', note: 'ok', at: at(burst + 40 * MINUTE) },
    burst + 40 * MINUTE,
  );
  FOREIGN.forEach((to, i) => call(CALLER_NUMBERS[0]!, to, burst + (50 + i) * MINUTE, 30, '0.20'));
  for (let i = 0; i < 2_050; i++) text(CALLER_NUMBERS[4]!, rnd.pick(FOREIGN), burst + 60 * MINUTE + i * 1000, false);
  // in the order the store would have recorded them: positions, and each stream's versions, follow time
  const again = new Map<string, number>();
  return events
    .sort((a, b) => Date.parse(a.recordedAt) - Date.parse(b.recordedAt))
    .map((e, i) => {
      const version = again.get(e.stream) ?? 0;
      again.set(e.stream, version + 1);
      return { ...e, version, position: i + 1 };
    });
}

const accountOpened = (number: string): Data => ({
  number,
  keyFingerprint: 'fp',
  currency: 'EUR',
  plan: 'default',
  directory: { source: 'test', authenticated: true, ttlSeconds: 300, at: '2026-11-01T00:00:00Z' },
});

const callAuthorized = (callId: string, destination: string, at: string): Data => ({
  callId,
  destination,
  route: 'pstn',
  onNetUri: null,
  grantedSeconds: 3600,
  reserved: '1',
  currency: 'EUR',
  retail: null,
  carriers: [],
  at,
  expiresAt: at,
});

const callCharged = (
  origin: string,
  callId: string,
  destination: string,
  answeredAt: string,
  endedAt: string,
  seconds: number,
  amount: string,
): Data => ({
  callId,
  origin,
  destination,
  route: 'pstn',
  seconds,
  billedSeconds: seconds,
  amount,
  currency: 'EUR',
  fromGrants: [],
  fromPaid: amount,
  answeredAt,
  endedAt,
});

const smsAccepted = (from: string, smsId: string, to: string, at: string): Data => ({
  smsId,
  from,
  to,
  encoding: 'GSM-7',
  segments: 1,
  characters: 5,
  amount: '0.05',
  currency: 'EUR',
  retail: { prefix: '33', perSegment: '0.05', perMessage: '0' },
  fingerprint: 'f',
  at,
});

const walletCharged = (chargeId: string, destination: string | null, amount: string, at: string): Data => ({
  chargeId,
  kind: 'plugin',
  reference: chargeId,
  destination,
  amount,
  currency: 'EUR',
  fromGrants: [],
  fromPaid: amount,
  at,
});
