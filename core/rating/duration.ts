/** Durations in rating are whole nanoseconds (CGRateS's unit); a number holds ±104 days exactly. */
export type Nanos = number;

export const NS_PER_SECOND = 1_000_000_000;

export class DurationError extends Error {
  override readonly name = 'DurationError';
}

const UNITS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1_000,
  µs: 1_000,
  ms: 1_000_000,
  s: NS_PER_SECOND,
  m: 60 * NS_PER_SECOND,
  h: 3600 * NS_PER_SECOND,
};

const GO_DURATION = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/;

/**
 * A Go duration as CGRateS writes them ("60s", "1m30s", "0.5s", "1h"); a bare integer is
 * nanoseconds, as in CGRateS files.
 */
export function parseGoDuration(text: string): Nanos {
  const t = text.trim();
  if (/^\d+$/.test(t)) return checked(Number(t), text);
  if (t === '' || t === '0') return 0;
  let rest = t;
  let total = 0;
  while (rest.length > 0) {
    const m = GO_DURATION.exec(rest);
    if (!m) throw new DurationError(`not a duration: ${JSON.stringify(text)} (write it like 60s, 1m30s or 1h)`);
    total += Math.round(Number(m[1]) * UNITS[m[2]!]!);
    rest = rest.slice(m[0].length);
  }
  return checked(total, text);
}

/** What people type for a call's length: "90" (seconds), "90s", "1m30s". */
export function parseCallDuration(text: string): Nanos {
  const t = text.trim();
  if (/^\d+$/.test(t)) return checked(Number(t) * NS_PER_SECOND, text);
  return parseGoDuration(t);
}

function checked(ns: number, text: string): Nanos {
  if (!Number.isSafeInteger(ns) || ns < 0) throw new DurationError(`duration out of range: ${JSON.stringify(text)}`);
  return ns;
}

/** Seconds as a decimal string ("90", "0.5"): exact for any whole number of nanoseconds. */
export function nanosToSeconds(ns: Nanos): string {
  const whole = Math.floor(ns / NS_PER_SECOND);
  const frac = ns % NS_PER_SECOND;
  return frac === 0 ? String(whole) : `${whole}.${String(frac).padStart(9, '0').replace(/0+$/, '')}`;
}

export function formatDuration(ns: Nanos): string {
  if (ns === 0) return '0s';
  if (ns % NS_PER_SECOND !== 0) return `${nanosToSeconds(ns)}s`;
  let s = ns / NS_PER_SECOND;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}
