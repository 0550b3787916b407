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
  const units = rescale(x, scale) + rescale(y, scale);
  const digits = (units < 0n ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  return `${units < 0n ? '-' : ''}${whole}${scale > 0 ? `.${digits.slice(digits.length - scale)}` : ''}`;
}
