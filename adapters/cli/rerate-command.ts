import { Command, Option } from 'commander';
import { systemClock } from '../../core/clock';
import type { CommandEngine } from '../runtime/engine';
import { rerateService, type RerateReport } from '../../application/rerating/service';
import { progressBar } from './progress';
import { rerateCandidates } from '../../projections/finance/rerate-candidates';
import { csv } from '../../application/reports/csv';
import { table } from './table';

type WithEngine = <T>(fn: (engine: CommandEngine) => Promise<T>) => Promise<T>;

function print(format: string, r: RerateReport): void {
  if (format === 'json') return void process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  if (format === 'csv') return void process.stdout.write(csv(r.accounts.map((a) => ({ ...a }))));
  process.stdout.write(table(r.accounts.map((a) => ({ ...a }))));
  for (const t of r.totals)
    process.stdout.write(`total ${t.currency}: ${t.calls} call(s), charged ${t.charged} more, refunded ${t.refunded}, net ${t.delta}\n`);
  if (r.totals.length === 0) process.stdout.write('no call changes\n');
  if (r.unrated + r.otherCurrency > 0)
    process.stdout.write(`left as they were: ${r.unrated} with no price on the plan, ${r.otherCurrency} in another currency\n`);
  process.stdout.write(`${r.dryRun ? 'dry run, nothing recorded' : 'recorded'}: run ${r.runId}\n`);
}

/**
 * `trunkline rerate`: past calls priced again on a corrected plan, recorded as CallRerated
 * deltas (history is never rewritten); `--dry-run` previews them; `--reverse <run>` undoes a run.
 */
export function addRerateCommand(program: Command, withEngine: WithEngine): void {
  program
    .command('rerate')
    .description('price past calls again on a corrected plan and record the differences (CallRerated); --dry-run previews them')
    .option('--from <when>', 'calls that started from this day (YYYY-MM-DD) or instant')
    .option('--to <when>', '… until before this day or instant')
    .option('--plan <id>', 'the rating plan to price them on (retail: the public sheet)')
    .option('--run-id <id>', 'names the run (default: plan and period), for --reverse')
    .option('--reverse <run>', 'put back what each call was charged before this run')
    .option('--dry-run', 'report the deltas per account and in total; record nothing')
    .addOption(new Option('--format <format>', 'output').choices(['table', 'csv', 'json']).default('table'))
    .action(
      async (o: { from?: string; to?: string; plan?: string; runId?: string; reverse?: string; dryRun?: boolean; format: string }) => {
        if (o.reverse !== undefined && (o.from ?? o.to ?? o.plan) !== undefined)
          throw new Error('--reverse takes no --from, --to or --plan');
        if (o.reverse === undefined && (!o.from || !o.to || !o.plan))
          throw new Error('rerate needs --from, --to and --plan (or --reverse <run>)');
        await withEngine(async (engine) => {
          await engine.rating.sync();
          await engine.runner.catchUp('finance');
          const service = rerateService({
            store: engine.store,
            ids: engine.ids,
            rating: engine.rating,
            candidates: rerateCandidates(engine.readModels),
            clock: systemClock,
            chargeDecimals: engine.config.chargeDecimals,
          });
          const bar = progressBar(o.dryRun ? 'rerate (dry run)' : 'rerate', 'accounts');
          const onProgress = (done: number, total: number) => bar.update(done, total);
          const report =
            o.reverse !== undefined
              ? await service.reverse({ runId: o.reverse, dryRun: Boolean(o.dryRun), onProgress })
              : await service.rerate({
                  from: o.from!,
                  to: o.to!,
                  planId: o.plan!,
                  dryRun: Boolean(o.dryRun),
                  onProgress,
                  ...(o.runId ? { runId: o.runId } : {}),
                });
          bar.finish(report.accounts.length);
          print(o.format, report);
        });
      },
    );
}
