/**
 * Exact arithmetic on decimal strings of any size and scale, on BigInt: for sums a store cannot
 * make itself (SQLite's SUM is a 64-bit integer or a double; decimal.js keeps 40 digits).
 */
const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

interface Scaled {
  readonly units: bigint;
  readonly scale: number;
}

function scaled(text: string): Scaled {
  const m = DECIMAL.exec(text);
  if (!m) throw new RangeError(`not a decimal number: ${JSON.stringify(text)}`);
  const fraction = m[3] ?? '';
  const units = BigInt(`${m[2]}${fraction}`);
  return { units: m[1] ? -units : units, scale: fraction.length };
}

const rescale = (a: Scaled, scale: number): bigint => a.units * 10n ** BigInt(scale - a.scale);

function text(a: Scaled): string {
  const digits = (a.units < 0n ? -a.units : a.units).toString().padStart(a.scale + 1, '0');
  const whole = digits.slice(0, digits.length - a.scale);
  const fraction = digits.slice(digits.length - a.scale).replace(/0+$/, '');
  const sign = a.units < 0n ? '-' : '';
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** `a + b`, exactly; trailing zeros of the fraction dropped. */
export function addDecimals(a: string, b: string): string {
  const x = scaled(a);
  const y = scaled(b);
  const scale = Math.max(x.scale, y.scale);
  return text({ units: rescale(x, scale) + rescale(y, scale), scale });
}

/** `-a`, exactly. */
export function negateDecimal(a: string): string {
  const x = scaled(a);
  return text({ units: -x.units, scale: x.scale });
}

/**
 * `a + b`, exactly, at the larger of their scales with trailing zeros kept: what PostgreSQL's
 * NUMERIC addition gives, so a sum made before it reaches the store reads the same.
 */
export function addDecimalsKeepingScale(a: string, b: string): string {
  const x = scaled(a);
  const y = scaled(b);
  const scale = Math.max(x.scale, y.scale);
  return fixedText({ units: rescale(x, scale) + rescale(y, scale), scale });
}

/** `a` with every decimal of its scale, trailing zeros kept. */
function fixedText(a: Scaled): string {
  const digits = (a.units < 0n ? -a.units : a.units).toString().padStart(a.scale + 1, '0');
  const whole = digits.slice(0, digits.length - a.scale);
  return `${a.units < 0n ? '-' : ''}${whole}${a.scale > 0 ? `.${digits.slice(digits.length - a.scale)}` : ''}`;
}

/**
 * `a` rounded half to even at `places` decimals, exactly; trailing zeros dropped: what decimal.js's
 * `toDecimalPlaces(places, ROUND_HALF_EVEN).toFixed()` gives, for digits beyond its precision too.
 */
export function roundHalfEven(a: string, places: number): string {
  const x = scaled(a);
  if (x.scale <= places) return text(x);
  const divisor = 10n ** BigInt(x.scale - places);
  const magnitude = x.units < 0n ? -x.units : x.units;
  let kept = magnitude / divisor;
  const twice = (magnitude % divisor) * 2n;
  if (twice > divisor || (twice === divisor && kept % 2n === 1n)) kept += 1n;
  return text({ units: x.units < 0n ? -kept : kept, scale: places });
}

/**
 * A running exact sum of decimal strings: each term is parsed once and the text made once at the
 * end, where adding strings one after another parses and prints the running total at every term.
 */
export class DecimalSum {
  private units = 0n;
  private scale = 0;

  /** Adds `term` (`sign` -1 subtracts it). */
  add(term: string, sign: 1 | -1 = 1): void {
    const x = scaled(term);
    if (x.scale > this.scale) {
      this.units *= 10n ** BigInt(x.scale - this.scale);
      this.scale = x.scale;
    }
    const units = x.scale < this.scale ? rescale(x, this.scale) : x.units;
    this.units += sign === 1 ? units : -units;
  }

  /** The sum with trailing zeros dropped, as `addDecimals` gives it. */
  text(): string {
    return text({ units: this.units, scale: this.scale });
  }

  /** The sum at the largest scale of its terms, as `addDecimalsKeepingScale` (and NUMERIC) gives it. */
  textKeepingScale(): string {
    return fixedText({ units: this.units, scale: this.scale });
  }
}
