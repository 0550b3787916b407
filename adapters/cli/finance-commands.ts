import { Command, Option } from 'commander';
import type { CommandEngine } from '../runtime/engine';
import { absorbedReport } from '../../projections/finance/absorbed';
import { carrierQualityReport, liabilityReport, marginReport, paymentsReport } from '../../projections/finance/reports';
import { flatRows, reportQuery } from '../../projections/finance/query';
import { flatQualityRows, qualityQuery, qualityReport } from '../../projections/quality/report';
import { checkLedger } from '../../projections/finance/check';
import { grantFinanceReadOnly } from '../../projections/finance/postgres-access';
import { reconcileCarrierInvoice } from '../../projections/finance/carrier-invoice';
import { formatRowError } from '../../core/imports/row-error';
import { InvoiceRejectedError, readInvoice } from '../csv/carrier-invoice';
import { reconcilePayments } from '../../application/finance/stripe-reconcile';
import { csv } from '../../application/reports/csv';
import { table } from './table';

type WithEngine = <T>(fn: (engine: CommandEngine) => Promise<T>) => Promise<T>;

function print(format: string, body: { asOf: number; rows: readonly object[] }): void {
  if (format === 'json') process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  else {
    const rows = flatRows(body.rows);
    process.stdout.write(format === 'csv' ? csv(rows) : `${table(rows)}as of log position ${body.asOf}\n`);
  }
}

/** `trunkline report margin|payments|absorbed|carriers|liability`: the finance projection, caught up with the log first. */
export function addReportCommands(program: Command, withEngine: WithEngine): void {
  const report = program.command('report').description('finance reports from the log (as of a position: the same answer every time)');
  const common = (c: Command) =>
    c
      .option('--as-of <position>', 'count only what the log held at this position')
      .addOption(new Option('--format <format>', 'output').choices(['table', 'csv', 'json']).default('table'));
  const period = (c: Command) =>
    c.requiredOption('--from <day>', 'first day, YYYY-MM-DD').requiredOption('--to <day>', 'day after the last');

  common(period(report.command('margin').description('calls and texts: revenue, cost, margin')))
    .addOption(new Option('--by <what>', 'group by').choices(['day', 'destination', 'carrier']).default('day'))
    .action(async (o: { from: string; to: string; by: string; asOf?: string; format: string }) => {
      const q = reportQuery.parse({ from: o.from, to: o.to, by: o.by, ...(o.asOf !== undefined ? { asOf: o.asOf } : {}) });
      await withEngine(async (engine) => {
        await engine.runner.catchUp('finance');
        print(o.format, await marginReport(engine.readModels, q));
      });
    });

  common(
    period(report.command('payments').description('money in and out: top-ups, refunds, disputes, vouchers, promotions, charges')),
  ).action(async (o: { from: string; to: string; asOf?: string; format: string }) => {
    const q = reportQuery.parse({ from: o.from, to: o.to, ...(o.asOf !== undefined ? { asOf: o.asOf } : {}) });
    await withEngine(async (engine) => {
      await engine.runner.catchUp('finance');
      print(o.format, await paymentsReport(engine.readModels, q));
    });
  });

  common(
    period(report.command('absorbed').description('absorbed by the provider: charges beyond the credit, reversals beyond the payment')),
  ).action(async (o: { from: string; to: string; asOf?: string; format: string }) => {
    const q = reportQuery.parse({ from: o.from, to: o.to, ...(o.asOf !== undefined ? { asOf: o.asOf } : {}) });
    await withEngine(async (engine) => {
      await engine.runner.catchUp('finance');
      print(o.format, await absorbedReport(engine.readModels, q));
    });
  });

  common(period(report.command('carriers').description('carrier quality: attempts, ASR, ACD, failovers'))).action(
    async (o: { from: string; to: string; asOf?: string; format: string }) => {
      const q = reportQuery.parse({ from: o.from, to: o.to, ...(o.asOf !== undefined ? { asOf: o.asOf } : {}) });
      await withEngine(async (engine) => {
        await engine.runner.catchUp('finance');
        print(o.format, await carrierQualityReport(engine.readModels, q));
      });
    },
  );

  report
    .command('quality')
    .description('carrier quality per carrier and destination prefix: ASR, ACD, PDD, failure causes, demotions')
    .requiredOption('--from <day|instant>', 'first day (YYYY-MM-DD) or UTC instant')
    .requiredOption('--to <day|instant>', 'end, exclusive')
    .option('--carrier <id>', 'one carrier')
    .option('--prefix <digits>', 'one destination prefix')
    .addOption(new Option('--format <format>', 'output').choices(['table', 'csv', 'json']).default('table'))
    .action(async (o: { from: string; to: string; carrier?: string; prefix?: string; format: string }) => {
      const { format, ...rest } = o;
      const q = qualityQuery.parse(Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)));
      await withEngine(async (engine) => {
        await engine.runner.catchUp('carrier-quality');
        const body = await qualityReport(engine.readModels, q);
        print(format, format === 'json' ? body : { ...body, rows: flatQualityRows(body.rows) });
      });
    });

  common(report.command('liability').description('prepaid credit owed to customers (paid balances), promotions apart')).action(
    async (o: { asOf?: string; format: string }) => {
      if (o.asOf !== undefined && !/^\d+$/.test(o.asOf)) throw new Error(`--as-of must be a log position, not ${JSON.stringify(o.asOf)}`);
      await withEngine(async (engine) => {
        await engine.runner.catchUp('finance');
        print(o.format, await liabilityReport(engine.readModels, o.asOf !== undefined ? { asOf: Number(o.asOf) } : {}));
      });
    },
  );
}

/** `trunkline finance check`: exit 1 on any difference between the read models and the ledger. */
export function addFinanceCommands(program: Command, withEngine: WithEngine): void {
  const finance = program.command('finance').description('finance checks');
  finance
    .command('check')
    .description('every account: balances read model = the fold of its events; finance paid movements = paid balance')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await withEngine(async (engine) => {
        const position = await engine.store.head();
        for (const name of ['balances', 'finance']) await engine.runner.catchUp(name);
        const r = await checkLedger(engine.store, engine.readModels, position, (n) =>
          process.stderr.write(`finance check: ${n.toLocaleString('en-US')} account events\r`),
        );
        if (o.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
        else {
          if (r.differences.length > 0) process.stdout.write(table(r.differences.map((d) => ({ ...d }))));
          process.stdout.write(
            `${r.accounts} accounts, ${r.events} account events up to position ${r.position}: ${r.differences.length} difference(s)\n`,
          );
        }
        if (r.differences.length > 0) throw new Error(`${r.differences.length} difference(s) between the read models and the ledger`);
      });
    });
}

/** `trunkline finance reconcile-carrier`: a carrier's invoice against the costs recorded for its calls. */
export function addReconcileCommand(program: Command, withEngine: WithEngine): void {
  const finance = program.commands.find((c) => c.name() === 'finance')!;
  finance
    .command('reconcile-carrier <carrier> <file>')
    .description('match a carrier invoice or CDR CSV with the recorded carrier costs (by call id, else number and start)')
    .option('--mapping <file>', 'JSON of header names: {"callId","start","number","seconds","cost","delimiter"}')
    .option('--tolerance <amount>', 'a difference up to this is a match', '0.0001')
    .option('--skip-bad-rows', 'reconcile the readable rows and list the others')
    .addOption(new Option('--format <format>', 'output').choices(['table', 'csv', 'json']).default('table'))
    .action(async (carrierId: string, file: string, o: { mapping?: string; tolerance: string; skipBadRows?: boolean; format: string }) => {
      const { lines, errors } = await readInvoice(file, o.mapping);
      if (errors.length > 0 && !o.skipBadRows) throw new InvoiceRejectedError(errors);
      for (const e of errors) process.stderr.write(`${formatRowError(e)}\n`);
      if (lines.length === 0) throw new Error(`${file}: no invoice lines`);
      await withEngine(async (engine) => {
        await engine.runner.catchUp('finance');
        const r = await reconcileCarrierInvoice(engine.readModels, { carrierId, lines, tolerance: o.tolerance });
        if (o.format === 'json') process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
        else if (o.format === 'csv') process.stdout.write(csv(r.lines.map((l) => ({ ...l }))));
        else {
          process.stdout.write(table(r.lines.filter((l) => l.status !== 'matched').map((l) => ({ ...l }))));
          const t = r.totals;
          process.stdout.write(
            `${carrierId}: invoiced ${t.invoiced}, recorded ${t.recorded}; over-billed ${t.overBilled}, under-billed ${t.underBilled}, not ours ${t.notOurs}, not invoiced ${t.notInvoiced} (${Object.entries(
              t.counts,
            )
              .map(([k, v]) => `${v} ${k}`)
              .join(', ')})\n`,
          );
        }
      });
    });
}

/** `trunkline finance reconcile-payments`: the processor's succeeded payments against the credits; exit 1 on any difference. */
export function addReconcilePaymentsCommand(program: Command, withEngine: WithEngine): void {
  const finance = program.commands.find((c) => c.name() === 'finance')!;
  finance
    .command('reconcile-payments')
    .description("list the processor's succeeded payments (Stripe) and compare them with the credits in the log")
    .requiredOption('--from <day>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <day>', 'day after the last')
    .option('--processor <name>', 'payment processor', 'stripe')
    .addOption(new Option('--format <format>', 'output').choices(['table', 'csv', 'json']).default('table'))
    .action(async (o: { from: string; to: string; processor: string; format: string }) => {
      const q = reportQuery.parse({ from: o.from, to: o.to });
      await withEngine(async (engine) => {
        const processor = engine.paymentProcessors.get(o.processor);
        if (!processor)
          throw new Error(
            `no payment processor ${JSON.stringify(o.processor)} is configured (known: ${[...engine.paymentProcessors.keys()].join(', ') || 'none'})`,
          );
        const r = await reconcilePayments(engine.store, processor, {
          from: new Date(`${q.from}T00:00:00Z`),
          to: new Date(`${q.to}T00:00:00Z`),
        });
        const differences = r.lines.filter((l) => l.status !== 'matched');
        if (o.format === 'json') process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
        else if (o.format === 'csv') process.stdout.write(csv(flatRows(r.lines)));
        else {
          if (differences.length > 0) process.stdout.write(table(flatRows(differences)));
          for (const b of r.balance) process.stdout.write(`balance ${b.currency}: gross ${b.gross}, fees ${b.fees}, net ${b.net}\n`);
          process.stdout.write(
            `${r.processor} ${q.from}..${q.to}: ${Object.entries(r.counts)
              .map(([k, v]) => `${v} ${k}`)
              .join(', ')}\n`,
          );
        }
        if (differences.length > 0) throw new Error(`${differences.length} payment(s) do not reconcile`);
      });
    });
}

/** `trunkline finance sql-access --role <r>`: views and read-only grants for finance SQL on PostgreSQL. */
export function addSqlAccessCommand(program: Command, withEngine: WithEngine): void {
  const finance = program.commands.find((c) => c.name() === 'finance')!;
  finance
    .command('sql-access')
    .description('PostgreSQL: create the finance views and grant an existing role SELECT on them and the finance tables')
    .requiredOption('--role <name>', 'an existing PostgreSQL role (CREATE ROLE finance_reader LOGIN PASSWORD …)')
    .action(async (o: { role: string }) => {
      await withEngine(async (engine) => {
        for (const name of ['balances', 'finance']) await engine.runner.catchUp(name);
        for (const sql of await grantFinanceReadOnly(engine.readModels, o.role)) process.stdout.write(`${sql.replace(/\s+/g, ' ')};\n`);
      });
    });
}
