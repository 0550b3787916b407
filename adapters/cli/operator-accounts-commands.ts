import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { parseE164 } from '../../core/e164';
import { RISK_CLASSES } from '../../core/rating/risk-classes';
import type { AccountSummary } from '../../projections/balances/account-list';
import type { Config } from '../runtime/config';
import { operatorClient, type OperatorClient } from './operator-client';
import { engineBaseUrl, loadOperatorKey, operatorOf } from './operator-key';
import { table } from './table';

interface Remote {
  readonly api?: string;
  readonly key?: string;
  readonly operator?: string;
  readonly json?: boolean;
}

const out = (text: string): void => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
const path = (number: string, rest: string) => `/v1/accounts/${encodeURIComponent(number)}${rest}`;

/** `--api`, `--key`, `--operator` and `--json` on every command that talks to a running engine. */
export const remoteOptions = (c: Command): Command =>
  c
    .option('--api <url>', 'the running engine (default: publicBaseUrl, else http://host:port of the configuration)')
    .option('--key <pem>', 'the operator’s Ed25519 private key (default: operatorKeyFile of the configuration)')
    .option('--operator <id>', 'the operator id (default: the configured operator whose key it is)')
    .option('--json', 'print JSON');

/** A client signing as the operator the key belongs to. */
export function remote(config: Config, o: Remote): OperatorClient {
  const file = o.key ?? config.operatorKeyFile;
  if (!file) throw new Error('no operator key: pass --key <pem> or set operatorKeyFile (TRUNKLINE_OPERATOR_KEY_FILE)');
  const key = loadOperatorKey(file, o.key ? '--key' : 'operatorKeyFile');
  const operator = operatorOf(config, key, o.operator, o.key ? `--key ${file}` : `operatorKeyFile ${file}`);
  return operatorClient(engineBaseUrl(config, o.api), key, operator.id);
}

interface Page {
  readonly items: AccountSummary[];
  readonly next: string | null;
}

async function listing(client: OperatorClient, query: URLSearchParams, all: boolean, json: boolean | undefined): Promise<void> {
  const items: AccountSummary[] = [];
  // every page when --all, each request one keyset step; bounded by the number of accounts
  for (let cursor: string | null = null; ;) {
    if (cursor) query.set('cursor', cursor);
    const page: Page = await client.get<Page>(`/v1/accounts?${query}`);
    items.push(...page.items);
    cursor = page.next;
    if (!all || cursor === null) break;
  }
  if (json) return out(JSON.stringify(items, null, 2));
  out(table(items.map((a) => ({ ...a }))));
}

/** `trunkline accounts list|search|grant|suspend|reinstate|close|limits|spend-caps|risk-classes`: signed operator requests to a running engine. */
export function addOperatorAccountCommands(accounts: Command, config: () => Config): void {
  remoteOptions(accounts.command('list').description('accounts in number order, from the running engine'))
    .option('--status <status>', 'open, suspended or closed')
    .option('--limit <n>', 'accounts per page (1–500)', '50')
    .option('--all', 'every page, not just the first')
    .action(async (o: Remote & { status?: string; limit: string; all?: boolean }) => {
      const query = new URLSearchParams({ limit: o.limit, ...(o.status ? { status: o.status } : {}) });
      await listing(remote(config(), o), query, Boolean(o.all), o.json);
    });

  remoteOptions(accounts.command('search <query>').description('accounts whose number starts with these digits, or with this account id'))
    .option('--limit <n>', 'at most this many (1–500)', '50')
    .action(async (q: string, o: Remote & { limit: string }) => {
      await listing(remote(config(), o), new URLSearchParams({ q, limit: o.limit }), false, o.json);
    });

  remoteOptions(accounts.command('grant <number>').description('give promotional credit; the same --grant-id again gives nothing'))
    .requiredOption('--amount <decimal>', 'how much, e.g. 5.00')
    .requiredOption('--currency <code>', 'the account’s currency')
    .option('--grant-id <id>', 'idempotency: repeat it to retry safely (default: a new id, printed)')
    .option('--expires <instant>', 'when the grant lapses (ISO-8601)')
    .option('--reason <text>', 'why, for the ledger', 'promotion')
    .action(async (input: string, o: Remote & { amount: string; currency: string; grantId?: string; expires?: string; reason: string }) => {
      const number = parseE164(input);
      const grantId = o.grantId ?? `cli-${randomUUID()}`;
      const body = { grantId, amount: o.amount, currency: o.currency, reason: o.reason, ...(o.expires ? { expiresAt: o.expires } : {}) };
      const r = await remote(config(), o).post<{ granted: boolean; grantId: string; position: number | null }>(
        path(number, '/grants'),
        body,
      );
      if (o.json) return out(JSON.stringify(r));
      out(
        r.granted
          ? `granted ${o.amount} ${o.currency} to ${number} (grant ${grantId})`
          : `grant ${grantId} was already given; nothing changed`,
      );
    });

  for (const kind of ['suspend', 'reinstate', 'close'] as const) {
    const c = remoteOptions(accounts.command(`${kind} <number>`).description(`${kind} an account (admin)`));
    if (kind !== 'reinstate') c.option('--reason <text>', 'why, recorded with the change', 'operator');
    c.action(async (input: string, o: Remote & { reason?: string }) => {
      const number = parseE164(input);
      const account = await remote(config(), o).post<{ number: string; status: string }>(
        path(number, `/${kind}`),
        kind === 'reinstate' ? {} : { reason: o.reason },
      );
      out(o.json ? JSON.stringify(account) : `${account.number}: ${account.status}`);
    });
  }

  remoteOptions(
    accounts
      .command('limits <number>')
      .description('set one account’s call limits (admin); "default" gives the provider’s back (maxConcurrentCalls, maxCallsPerMinute)'),
  )
    .requiredOption('--concurrent <n|default>', 'calls up at once')
    .requiredOption('--per-minute <n|default>', 'new calls in any 60 s')
    .action(async (input: string, o: Remote & { concurrent: string; perMinute: string }) => {
      const number = parseE164(input);
      const body = { maxConcurrentCalls: limitOf('--concurrent', o.concurrent), maxCallsPerMinute: limitOf('--per-minute', o.perMinute) };
      const account = await remote(config(), o).put<{ number: string; callLimits: unknown }>(path(number, '/limits'), body);
      const shown = (n: number | null) => (n === null ? 'default' : String(n));
      out(
        o.json
          ? JSON.stringify(account)
          : `${account.number}: at most ${shown(body.maxConcurrentCalls)} calls at once, ${shown(body.maxCallsPerMinute)} a minute`,
      );
    });

  remoteOptions(
    accounts
      .command('spend-caps <number>')
      .description('set what one account may be charged a day and a month, in its currency (admin); "default" gives the provider’s back'),
  )
    .requiredOption('--per-day <decimal|default>', 'the most a UTC day')
    .requiredOption('--per-month <decimal|default>', 'the most a calendar month')
    .action(async (input: string, o: Remote & { perDay: string; perMonth: string }) => {
      const number = parseE164(input);
      const body = { perDay: capOf('--per-day', o.perDay), perMonth: capOf('--per-month', o.perMonth) };
      const account = await remote(config(), o).put<{ number: string; currency: string }>(path(number, '/spend-caps'), body);
      const shown = (c: string | null) => (c === null ? 'the provider’s cap' : `${c} ${account.currency}`);
      out(o.json ? JSON.stringify(account) : `${account.number}: at most ${shown(body.perDay)} a day, ${shown(body.perMonth)} a month`);
    });

  remoteOptions(
    accounts
      .command('risk-classes <number>')
      .description('allow one account calls and texts to destination risk classes (admin); the rest stay blocked'),
  )
    .requiredOption('--allow <classes>', `comma-separated: ${RISK_CLASSES.join(', ')}; or none`)
    .action(async (input: string, o: Remote & { allow: string }) => {
      const number = parseE164(input);
      const allow = o.allow === 'none' ? [] : o.allow.split(',').map((c) => c.trim());
      const unknown = allow.filter((c) => !(RISK_CLASSES as readonly string[]).includes(c));
      if (unknown.length > 0) throw new Error(`--allow: no risk class ${unknown.join(', ')} (known: ${RISK_CLASSES.join(', ')}, or none)`);
      const account = await remote(config(), o).put<{ number: string; riskClassesAllowed: string[] }>(path(number, '/risk-classes'), {
        allow,
      });
      const shown = account.riskClassesAllowed.length > 0 ? account.riskClassesAllowed.join(', ') : 'none';
      out(o.json ? JSON.stringify(account) : `${account.number}: risk classes allowed: ${shown}`);
    });
}

/** A limit as typed: a whole number from 1 to 100,000, or `default` (the provider's). */
function limitOf(flag: string, text: string): number | null {
  if (text === 'default') return null;
  if (!/^[1-9]\d{0,5}$/.test(text) || Number(text) > 100_000)
    throw new Error(`${flag} must be a whole number from 1 to 100000, or default`);
  return Number(text);
}

function capOf(flag: string, text: string): string | null {
  if (text === 'default') return null;
  if (!/^(0|[1-9]\d{0,11})(\.\d{1,6})?$/.test(text))
    throw new Error(`${flag} must be a decimal such as 5.00 (at most 12 digits, 6 decimals), or default`);
  return text;
}
