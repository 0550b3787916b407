/** Setting names whose values are secrets (public keys are not). */
const SECRET = /(secret|password|apikey|secretkey|token)s?$/i;

const maskUrl = (u: string) => u.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');

/** A configuration fit to print: secrets (at any depth, in lists too) as `***`, passwords in URLs masked. */
export function redact(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return SECRET.test(key) ? '***' : maskUrl(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, key));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]));
  return value;
}
