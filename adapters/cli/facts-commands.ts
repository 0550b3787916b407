import { Command, Option } from 'commander';
import type { CommandEngine } from '../runtime/engine';
import { listRejectedFacts } from '../../application/facts/rejected-facts';
import { csv } from '../../application/reports/csv';
import { table } from './table';

type WithEngine = <T>(fn: (engine: CommandEngine) => Promise<T>) => Promise<T>;

/** `trunkline facts rejected`: the outside facts refused as invalid, for an operator to review. */
export function addFactsCommands(program: Command, withEngine: WithEngine): void {
  const facts = program.command('facts').description('outside facts the engine received');
  facts
    .command('rejected')
    .description('payment webhooks, receipts and other facts refused as invalid and kept for review, oldest first')
    .option('--source <source>', 'only those of one source (stripe, sms-gateway:<id>)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .option('--json', 'same as --format json')
    .action(async (o: { source?: string; format: string; json?: boolean }) => {
      await withEngine(async (engine) => {
        const rows = await listRejectedFacts(engine.store, o.source);
        const format = o.json ? 'json' : o.format;
        if (format === 'json') return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        // the table keeps to one line a fact: the payload is in --json and --csv
        const lines = rows.map(({ payload, truncated: _t, id: _id, recordedAt: _r, ...r }) => (format === 'csv' ? { ...r, payload } : r));
        process.stdout.write(format === 'csv' ? csv(lines) : table(lines));
      });
    });
}
