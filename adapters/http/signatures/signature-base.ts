import { SignatureRejected } from './signature-rejected';

/**
 * Optional whitespace is space and tab only (RFC 9110 §5.6.3), as Node's parser strips it:
 * String.trim would also strip a non-breaking space, so the value signed and the value a
 * handler reads would differ.
 */
const trimOws = (value: string) => value.replace(/^[ \t]+|[ \t]+$/g, '');

/** A field's value as RFC 9421 §2.1 covers it: every line of that name, trimmed, joined by ", "; undefined when absent. */
export type FieldValue = (name: string) => string | undefined;

/**
 * Field values from the header lines as received (Node's `rawHeaders`), not from `headers`,
 * where Node keeps only the first of a repeated Content-Type or Authorization: the value signed
 * and the value a handler reads must come from the same lines.
 */
export function fieldValuesFromLines(rawHeaders: readonly string[]): FieldValue {
  const byName = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const lines = byName.get(name);
    const value = trimOws(rawHeaders[i + 1]!);
    if (lines) lines.push(value);
    else byName.set(name, [value]);
  }
  return (name) => byName.get(name)?.join(', ');
}

/** Field values from a header record (tests and clients that hold one): an array is several lines. */
export function fieldValuesFromRecord(headers: Readonly<Record<string, string | readonly string[] | undefined>>): FieldValue {
  const lower = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lines = typeof value === 'string' ? [value] : value;
    const key = name.toLowerCase();
    const joined = lines.map(trimOws).join(', ');
    lower.set(key, lower.has(key) ? `${lower.get(key)!}, ${joined}` : joined);
  }
  return (name) => lower.get(name);
}

export interface MessageToVerify {
  readonly method: string;
  /** The absolute target URI the server answers for (from configuration, never from Host). */
  readonly targetUri: string;
  readonly field: FieldValue;
}

function parsedTarget(targetUri: string): URL {
  try {
    return new URL(targetUri);
  } catch {
    throw new SignatureRejected('malformed-signature', `the target URI ${targetUri} cannot be parsed`);
  }
}

function derived(name: string, message: MessageToVerify): string {
  if (name === '@method') return message.method;
  if (name === '@target-uri') return message.targetUri;
  const url = parsedTarget(message.targetUri);
  switch (name) {
    case '@authority':
      return url.host;
    case '@scheme':
      return url.protocol.slice(0, -1);
    case '@request-target':
      return `${url.pathname}${url.search}`;
    case '@path':
      return url.pathname;
    case '@query':
      return url.search === '' ? '?' : url.search;
    default:
      throw new SignatureRejected('malformed-signature', `the component ${name} is not supported on requests`);
  }
}

/**
 * The signature base of RFC 9421 §2.5: one line per covered component, then `@signature-params`.
 * A covered field the request does not carry is refused, as §2.5 requires.
 */
export function signatureBase(message: MessageToVerify, components: readonly string[], signatureParams: string): string {
  const lines: string[] = [];
  for (const name of components) {
    let value: string | undefined;
    if (name.startsWith('@')) value = derived(name, message);
    else {
      value = message.field(name);
      if (value === undefined)
        throw new SignatureRejected('missing-component', `the signature covers ${name}, which the request does not carry`);
    }
    if (/[\r\n]/.test(value)) throw new SignatureRejected('malformed-signature', `${name} holds a line break`);
    lines.push(`"${name}": ${value}`);
  }
  lines.push(`"@signature-params": ${signatureParams}`);
  return lines.join('\n');
}
