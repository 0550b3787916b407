import { join, resolve } from 'node:path';
import { addDashboardLinkCommand } from './dashboard-link-command';
import { addRerateCommand } from './rerate-command';
import {
  addFinanceCommands,
  addReconcileCommand,
  addReconcilePaymentsCommand,
  addReportCommands,
  addSqlAccessCommand,
} from './finance-commands';
import { addSmsCommands } from './sms-commands';
import { addRecordsCommands } from './records-commands';
import { addKeysCommand } from './keys-command';
import { addBackupCommand } from './backup-command';
import { addWebhooksCommands } from './webhooks-commands';
import { addOperatorAccountCommands } from './operator-accounts-commands';
import { addFraudCommands } from './fraud-commands';
import { addFactsCommands } from './facts-commands';
import { Command, Option } from 'commander';
import pino from 'pino';
import { loadConfig, type Config } from '../runtime/config';
import type { CommandEngine, Projector } from '../runtime/engine';
import { rebuildProjections } from './rebuild-projections';
import { watchConfigFile } from '../runtime/config-watch';
import { csv } from '../../application/reports/csv';
import { table } from './table';
import { addRatingCommands } from './rating-commands';
import { addSettingsCommands } from './settings-commands';
import { addWalletCommands } from './wallet-commands';
import { redact } from '../runtime/redact';
import { collectStartupGarbage } from '../runtime/startup-garbage';
import { checkpointErrorReporter } from '../runtime/checkpoint-errors';
import { reportCheckpointErrors } from '../event-store/sqlite-checkpointer';
import { sqliteFiles } from '../runtime/open-stores';
import { addProbeCommand } from './probe-command';

/**
 * The composition root loads only when a command opens an engine, and each command opens the
 * least it needs: `--help` and the commands that need no engine start without that cost, and
 * only `serve` loads the HTTP app (express, prom-client, the SIP hooks).
 */
const engines = () => require('../runtime/engine') as typeof import('../runtime/engine');
interface GlobalFlags {
  dataDir?: string;
  config?: string;
}

/** The configuration file serve reads (it may not exist yet: creating it is an edit too). */
function configFileOf(flags: GlobalFlags, config: Config): string {
  return resolve(flags.config ?? process.env['TRUNKLINE_CONFIG'] ?? join(config.dataDir, 'trunkline.json'));
}

function configFrom(program: Command, extra: Record<string, unknown> = {}): Config {
  const flags = program.opts<GlobalFlags>();
  return loadConfig({ flags: { dataDir: flags.dataDir, config: flags.config, ...extra } });
}

/** Engines for one-shot commands log to stderr, so stdout carries only the command's answer. */
async function withEngine<T>(program: Command, fn: (engine: CommandEngine) => Promise<T>): Promise<T> {
  return withOpened(program, engines().openCommandEngine, fn);
}

/** As withEngine, for commands on the projections alone. */
async function withProjector<T>(program: Command, fn: (engine: Projector) => Promise<T>): Promise<T> {
  return withOpened(program, engines().openProjector, fn);
}

async function withOpened<E extends Projector, T>(
  program: Command,
  open: (config: Config, options: { logger: pino.Logger; checkpointInBackground: boolean }) => Promise<E>,
  fn: (engine: E) => Promise<T>,
): Promise<T> {
  const config = configFrom(program);
  // stderr is for the command's one-line error: only errors are logged, unless debugging was asked for
  const level = config.logLevel === 'debug' || config.logLevel === 'trace' ? config.logLevel : 'error';
  // a command lives seconds: SQLite checkpoints its own WAL rather than a thread started for it
  const engine = await open(config, { logger: pino({ level }, pino.destination(2)), checkpointInBackground: false });
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

/** A long-running command ends cleanly (stores closed) on SIGINT or SIGTERM. */
function closeOnSignals(engine: Projector): void {
  const stop = async (signal: string) => {
    engine.logger.info({ signal }, 'shutting down');
    await engine.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

export function buildProgram(): Command {
  const program = new Command('trunkline')
    .description('Event-sourced billing and PSTN termination for SIP service providers')
    .option('--data-dir <dir>', 'where all state lives (env TRUNKLINE_DATA_DIR, default ./data)')
    .option('--config <file>', 'JSON configuration file (env TRUNKLINE_CONFIG)')
    .showHelpAfterError(false);

  program
    .command('serve')
    .description('run the engine: HTTP API, projections, metrics')
    .option('--port <port>', 'HTTP port (env PORT, default 8080)')
    .option('--host <host>', 'address to listen on (env HOST, default 127.0.0.1)')
    .action(async (opts: { port?: string; host?: string }) => {
      const reload = () => configFrom(program, { port: opts.port, host: opts.host });
      const config = reload();
      const engine = await engines().createEngine(config);
      const server = await engine.serve();
      const stopWatching = watchConfigFile({
        file: configFileOf(program.opts<GlobalFlags>(), config),
        running: config,
        reload,
        logger: engine.logger,
        onPending: (keys) => engine.metrics.configRestartPending.set(keys.length),
      });
      process.once('exit', stopWatching);
      const address = server.address();
      engine.logger.info(
        { address, store: engine.store.description, readModels: engine.readModels.description, plugins: engine.plugins },
        'trunkline is serving',
      );
      closeOnSignals(engine);
    });

  program
    .command('projector')
    .description('follow the log into the read models (run one next to servers started with TRUNKLINE_PROJECTIONS=elsewhere)')
    .action(async () => {
      const config = configFrom(program);
      const engine = await engines().openProjector(config);
      // its checkpoint worker's failures, in its own log (the process exports no metrics)
      reportCheckpointErrors(checkpointErrorReporter({ logger: engine.logger, files: sqliteFiles(config) }));
      await engine.runner.start();
      collectStartupGarbage();
      engine.logger.info(
        { projections: engine.runner.names(), store: engine.store.description },
        'trunkline projector is following the log',
      );
      closeOnSignals(engine);
    });

  const projections = program.command('projections').description('inspect and rebuild read models');
  projections
    .command('status')
    .description('checkpoint, head and lag of every projection')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .option('--json', 'same as --format json')
    .action(async (opts: { format: string; json?: boolean }) => {
      await withProjector(program, async (engine) => {
        const rows = (await engine.runner.status()).map(({ running: _running, ...s }) => s);
        const format = opts.json ? 'json' : opts.format;
        // a stop's error is in lastError; the column names the event
        const flat = rows.map((r) => ({
          ...r,
          stopped: r.stopped ? `event ${r.stopped.position} (${r.stopped.eventId}, ${r.stopped.type})` : '',
        }));
        process.stdout.write(format === 'json' ? `${JSON.stringify(rows, null, 2)}\n` : format === 'csv' ? csv(flat) : table(flat));
      });
    });
  projections
    .command('rebuild [name]')
    .description('empty a projection (all when no name) and replay the whole log into it')
    .action(async (name: string | undefined) => {
      await withProjector(program, (engine) => rebuildProjections(engine.runner, name));
    });

  addRatingCommands(program, (fn) => withEngine(program, fn));
  addSettingsCommands(program, (fn) => withEngine(program, fn));
  addWalletCommands(
    program,
    (fn) => withEngine(program, fn),
    () => configFrom(program),
  );
  addOperatorAccountCommands(
    program.commands.find((c) => c.name() === 'accounts')!,
    () => configFrom(program),
  );
  addFraudCommands(program, () => configFrom(program));
  addFactsCommands(program, (fn) => withEngine(program, fn));
  addSmsCommands(program);
  addKeysCommand(program);
  addBackupCommand(program, () => configFrom(program));
  addWebhooksCommands(program, (fn) => withProjector(program, fn));
  addRecordsCommands(program, (fn) => withProjector(program, fn));
  addReportCommands(program, (fn) => withEngine(program, fn));
  addFinanceCommands(program, (fn) => withEngine(program, fn));
  addDashboardLinkCommand(program, () => configFrom(program));
  addReconcileCommand(program, (fn) => withEngine(program, fn));
  addReconcilePaymentsCommand(program, (fn) => withEngine(program, fn));
  addRerateCommand(program, (fn) => withEngine(program, fn));
  addSqlAccessCommand(program, (fn) => withEngine(program, fn));
  addProbeCommand(program);

  program
    .command('config')
    .description('print the effective configuration (secrets masked)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(redact(configFrom(program)), null, 2)}\n`);
    });
  return program;
}
