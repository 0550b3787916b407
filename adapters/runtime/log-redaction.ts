import type { LevelWithSilent, LoggerOptions } from 'pino';

/** Headers that carry credentials: bearer and basic secrets, session cookies, request signatures. */
const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'signature', 'stripe-signature', 'x-api-key'];
/** Where a log line may hold headers: its own field, or a request, response or error's. */
const HEADER_FIELDS = ['headers', '*.headers', '*.*.headers'];
/** `set-cookie` as Node receives it, `Set-Cookie` as code often writes it. */
const spellings = (name: string) => [name, name.replace(/(^|-)[a-z]/g, (c) => c.toUpperCase())];

/** The paths pino censors in every log line, at every level. */
export const REDACTED_PATHS: readonly string[] = HEADER_FIELDS.flatMap((at) =>
  SECRET_HEADERS.flatMap(spellings).map((header) => `${at}["${header}"]`),
);

/** The engine's logger: `level`, the service name, credentials in headers redacted (URLs are redacted where they are logged). */
export function loggerOptions(level: LevelWithSilent): LoggerOptions {
  return { level, base: { service: 'trunkline' }, redact: { paths: [...REDACTED_PATHS], censor: '***' } };
}
