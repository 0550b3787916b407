/** The local calendar view of an instant in a time zone, which timings are matched against. */
export interface LocalTime {
  readonly year: number;
  readonly month: number;
  readonly monthDay: number;
  /** 1 = Monday … 7 = Sunday. */
  readonly weekDay: number;
  readonly secondOfDay: number;
}

export interface Zone {
  readonly name: string;
  local(ms: number): LocalTime;
  /** The instant of local time `secondOfDay` on the local day that contains `ms`. */
  atSecondOfDay(ms: number, secondOfDay: number): number;
  /** The instant the next local day starts. */
  nextMidnight(ms: number): number;
}

const DAY_MS = 86_400_000;

const utc: Zone = {
  name: 'UTC',
  local(ms) {
    const d = new Date(ms);
    const dow = d.getUTCDay();
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      monthDay: d.getUTCDate(),
      weekDay: dow === 0 ? 7 : dow,
      secondOfDay: Math.floor((ms - Math.floor(ms / DAY_MS) * DAY_MS) / 1000),
    };
  },
  atSecondOfDay: (ms, s) => Math.floor(ms / DAY_MS) * DAY_MS + s * 1000,
  nextMidnight: (ms) => (Math.floor(ms / DAY_MS) + 1) * DAY_MS,
};

const zones = new Map<string, Zone>([['UTC', utc]]);

export class TimeZoneError extends Error {
  override readonly name = 'TimeZoneError';
}

/** A zone by IANA name; UTC is computed directly, others through Intl (offsets looked up per instant). */
export function zone(name: string): Zone {
  const known = zones.get(name);
  if (known) return known;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new TimeZoneError(`unknown time zone: ${JSON.stringify(name)}`);
  }
  /** local wall-clock fields of an instant, as if they were UTC: the offset is the difference. */
  const wall = (ms: number): number => {
    const p: Record<string, number> = {};
    for (const part of format.formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
    return Date.UTC(p['year']!, p['month']! - 1, p['day']!, p['hour']!, p['minute']!, p['second']!);
  };
  const offset = (ms: number) => wall(Math.floor(ms / 1000) * 1000) - Math.floor(ms / 1000) * 1000;
  /** The instant whose local wall time is `wallMs` (the later one in a repeated hour). */
  const fromWall = (wallMs: number): number => {
    let guess = wallMs - offset(wallMs);
    guess = wallMs - offset(guess);
    return guess;
  };
  const z: Zone = {
    name,
    local(ms) {
      const w = wall(ms);
      const l = utc.local(w);
      return l;
    },
    atSecondOfDay(ms, s) {
      const w = wall(ms);
      return fromWall(Math.floor(w / DAY_MS) * DAY_MS + s * 1000);
    },
    nextMidnight(ms) {
      const w = wall(ms);
      return fromWall((Math.floor(w / DAY_MS) + 1) * DAY_MS);
    },
  };
  zones.set(name, z);
  return z;
}
