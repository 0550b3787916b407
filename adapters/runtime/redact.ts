/** Setting names whose values are secrets (public keys are not). */
const SECRET = /(secret|password|apikey|secretkey|token)s?$/i;
/** Query parameter names whose values are secrets: the dashboard's `token`, API keys, signatures. */
const SECRET_PARAM = /token|key|secret|passw|signature|^sig$/i;

const maskUserinfo = (u: string) => u.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');

const paramName = (name: string) => {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
};

const maskQuery = (query: string) =>
  query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq >= 0 && SECRET_PARAM.test(paramName(pair.slice(0, eq))) ? `${pair.slice(0, eq)}=***` : pair;
    })
    .join('&');

/** A URL (absolute, or a path and query) fit to log: passwords and secret query parameters as `***`. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return maskUserinfo(url);
  const hash = url.indexOf('#', q);
  const end = hash < 0 ? url.length : hash;
  return `${maskUserinfo(url.slice(0, q))}?${maskQuery(url.slice(q + 1, end))}${url.slice(end)}`;
}

/** A configuration fit to print: secrets (at any depth, in lists too) as `***`, secrets in URLs masked. */
export function redact(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return SECRET.test(key) ? '***' : redactUrl(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, key));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]));
  return value;
}
