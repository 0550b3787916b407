import { Decimal } from '../money';

/** One paid call or text as the velocity rules see it. */
export interface Activity {
  /** `charge`: a plugin's charge (it counts toward spend only). */
  readonly kind: 'call' | 'sms' | 'charge';
  /** When it was authorized or accepted (epoch ms). */
  readonly at: number;
  /** E.164 digits, no `+`. */
  readonly destination: string;
  /** ISO 3166 country of the destination (`ZZ` when the numbering plan does not say). */
  readonly country: string;
  /** How long the call lasted: null while it is up, 0 unanswered; null for a text. */
  readonly seconds: number | null;
  /** What it was charged (decimal string; "0" until charged). */
  readonly amount: string;
  /** When it was charged (epoch ms): a long call's spend counts when it ends, not when it began; null until then. */
  readonly chargedAt: number | null;
}

/** What a rule looks at, as of the event being read (never the wall clock: a rebuild decides alike). */
export interface ActivityView {
  readonly number: string;
  /** The caller's own country. */
  readonly country: string;
  readonly currency: string;
  readonly now: number;
  /**
   * The account's paid calls and texts authorized or charged in the last `RECENT_MINUTES` since its
   * latest review, oldest first; at most `RECENT_LIMIT`, the newest.
   */
  readonly recent: readonly Activity[];
  /** What it was charged per hour before the current hour, over up to 30 days; null unless the event was a charge. */
  readonly history: { readonly spend: Decimal; readonly hours: number } | null;
}

export type Evidence = Readonly<Record<string, string | number | boolean | string[]>>;

export interface VelocityHit {
  readonly summary: string;
  readonly evidence: Evidence;
}

/**
 * A velocity rule: a pure function of an account's recent activity. A hit records FraudSuspected
 * (one per rule between two reviews) and holds the account's paid services.
 */
export interface VelocityRule {
  /** Letters, digits and dashes: part of the suspicion's id. */
  readonly name: string;
  evaluate(view: ActivityView): VelocityHit | null;
}

/** How far back `recent` reaches: no rule may look further (the projection keeps no more). */
export const RECENT_MINUTES = 60;
/** The most activity rows a rule sees; an account with more in an hour is itself suspect (`activity-flood`). */
export const RECENT_LIMIT = 2000;
const MINUTE = 60_000;

const within = (view: ActivityView, minutes: number) => view.recent.filter((a) => a.at > view.now - minutes * MINUTE);

/** Spend in the last hour over `multiplier` × the account's hourly average (and at least `minimum` in its currency). */
export function spendSpike(o: { multiplier: number; minimum: Readonly<Record<string, string>>; defaultMinimum: string }): VelocityRule {
  return {
    name: 'spend-spike',
    evaluate(view) {
      if (!view.history) return null;
      // by charge time: a call of two hours counts in the hour it is charged, not where it began
      const hour = view.recent
        .filter((a) => a.chargedAt !== null && a.chargedAt > view.now - 60 * MINUTE)
        .reduce((sum, a) => sum.plus(a.amount), new Decimal(0));
      const minimum = new Decimal(o.minimum[view.currency] ?? o.defaultMinimum);
      if (hour.lessThan(minimum)) return null;
      const average = view.history.hours > 0 ? view.history.spend.dividedBy(view.history.hours) : new Decimal(0);
      if (hour.lessThanOrEqualTo(average.times(o.multiplier))) return null;
      return {
        summary: `${hour.toFixed()} ${view.currency} spent in an hour, over ${o.multiplier}× the hourly average of ${average.toDecimalPlaces(6).toFixed()}`,
        evidence: {
          lastHour: hour.toFixed(),
          hourlyAverage: average.toDecimalPlaces(6).toFixed(),
          historyHours: view.history.hours,
          currency: view.currency,
        },
      };
    },
  };
}

/** Calls to `countries` or more foreign countries within `minutes`. */
export function manyCountries(o: { countries: number; minutes: number }): VelocityRule {
  return {
    name: 'many-countries',
    evaluate(view) {
      const countries = new Set(
        within(view, o.minutes)
          .filter((a) => a.kind === 'call' && a.country !== view.country)
          .map((a) => a.country),
      );
      if (countries.size < o.countries) return null;
      return {
        summary: `calls to ${countries.size} countries within ${o.minutes} minutes`,
        evidence: { countries: [...countries].sort(), minutes: o.minutes },
      };
    },
  };
}

/**
 * IRSF: `calls` or more calls of under `maxSeconds` (unanswered included) to `numbers` or more
 * numbers of one `prefixDigits`-digit range within `minutes` (redialling one friend is not it).
 */
export function shortCallsToOnePrefix(o: {
  calls: number;
  numbers: number;
  maxSeconds: number;
  prefixDigits: number;
  minutes: number;
}): VelocityRule {
  return {
    name: 'short-calls-one-prefix',
    evaluate(view) {
      const byPrefix = new Map<string, { calls: number; numbers: Set<string> }>();
      for (const a of within(view, o.minutes))
        if (a.kind === 'call' && a.seconds !== null && a.seconds < o.maxSeconds) {
          const prefix = a.destination.slice(0, o.prefixDigits);
          const seen = byPrefix.get(prefix) ?? { calls: 0, numbers: new Set<string>() };
          seen.calls++;
          seen.numbers.add(a.destination);
          byPrefix.set(prefix, seen);
        }
      const hit = [...byPrefix].find(([, seen]) => seen.calls >= o.calls && seen.numbers.size >= o.numbers);
      if (!hit) return null;
      const [prefix, seen] = hit;
      return {
        summary: `${seen.calls} calls of under ${o.maxSeconds} s to ${seen.numbers.size} numbers of +${prefix}… within ${o.minutes} minutes`,
        evidence: { prefix, calls: seen.calls, numbers: seen.numbers.size, maxSeconds: o.maxSeconds, minutes: o.minutes },
      };
    },
  };
}

/** SMS pumping: `texts` or more texts to one range (the number less its last `rangeDigits` digits) within `minutes`. */
export function smsPumping(o: { texts: number; rangeDigits: number; minutes: number }): VelocityRule {
  return {
    name: 'sms-pumping',
    evaluate(view) {
      const byRange = new Map<string, Set<string>>();
      for (const a of within(view, o.minutes))
        if (a.kind === 'sms') {
          const range = a.destination.slice(0, Math.max(1, a.destination.length - o.rangeDigits));
          byRange.set(range, (byRange.get(range) ?? new Set<string>()).add(a.destination));
        }
      // distinct numbers, not texts: a pump walks a range, a person writes to the same few
      const [top, numbers] = [...byRange].map(([r, set]) => [r, set.size] as const).sort((x, y) => y[1] - x[1])[0] ?? ['', 0];
      const texts = numbers;
      if (texts < o.texts) return null;
      return {
        summary: `texts to ${texts} numbers of +${top}${'x'.repeat(o.rangeDigits)} within ${o.minutes} minutes`,
        evidence: { range: top, numbers: texts, minutes: o.minutes },
      };
    },
  };
}
