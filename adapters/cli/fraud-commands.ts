import type { Command } from 'commander';
import { parseE164 } from '../../core/e164';
import type { SuspicionRow } from '../../projections/fraud/suspicions';
import type { Config } from '../runtime/config';
import { remote, remoteOptions } from './operator-accounts-commands';
import { table } from './table';
import { csv } from '../../application/reports/csv';

const out = (text: string): void => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);

/** `trunkline fraud list|clear`: suspicions the velocity rules raised, reviewed on a running engine. */
export function addFraudCommands(program: Command, config: () => Config): void {
  const fraud = program.command('fraud').description('suspicions of fraud: accounts whose paid calls and texts are held for review');
  remoteOptions(fraud.command('list').description('suspicions, newest first (open ones unless --status says)'))
    .option('--status <status>', 'open, cleared or all', 'open')
    .option('--number <e164>', 'one account only')
    .option('--limit <n>', 'at most this many (1–1000)', '100')
    .option('--format <format>', 'table, csv or json', 'table')
    .action(async (o: { status: string; number?: string; limit: string; format: string; json?: boolean; api?: string; key?: string }) => {
      if (!['open', 'cleared', 'all'].includes(o.status)) throw new Error(`--status: ${o.status} is not open, cleared or all`);
      if (!['table', 'csv', 'json'].includes(o.format)) throw new Error(`--format: ${o.format} is not table, csv or json`);
      const query = new URLSearchParams({ status: o.status, limit: o.limit, ...(o.number ? { number: parseE164(o.number) } : {}) });
      const { items } = await remote(config(), o).get<{ items: SuspicionRow[] }>(`/v1/fraud?${query}`);
      if (o.json || o.format === 'json') return out(JSON.stringify(items, null, 2));
      const rows = items.map((s) => ({
        number: s.number,
        suspicion: s.suspicionId,
        rule: s.rule,
        suspectedAt: s.suspectedAt,
        status: s.status,
        summary: s.summary,
        clearedBy: s.clearedBy,
      }));
      if (o.format === 'csv') return void process.stdout.write(csv(rows));
      out(table(rows));
    });
  remoteOptions(fraud.command('clear <number>').description('release the hold on an account’s paid services after review (admin)'))
    .requiredOption('--note <text>', 'what the review found, recorded with the clearing')
    .action(async (input: string, o: { note: string; json?: boolean; api?: string; key?: string }) => {
      const number = parseE164(input);
      const client = remote(config(), o);
      // what the operator is shown is what is cleared: one raised meanwhile is refused, not cleared unseen
      const { items } = await client.get<{ items: SuspicionRow[] }>(`/v1/fraud?${new URLSearchParams({ number, status: 'open' })}`);
      const r = await client.post<{ number: string; cleared: string[]; held: boolean }>(
        `/v1/accounts/${encodeURIComponent(number)}/fraud/clear`,
        {
          note: o.note,
          suspicionIds: items.map((s) => s.suspicionId),
        },
      );
      if (o.json) return out(JSON.stringify(r));
      out(r.cleared.length > 0 ? `${r.number}: cleared ${r.cleared.join(', ')}` : `${r.number}: no open suspicion; nothing changed`);
    });
}
