import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { chmod, copyFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Command } from 'commander';
import type { Config } from '../runtime/config';
import { eventsFile, readModelsFile, spentNoncesFile } from '../runtime/open-stores';
import { progressBar } from './progress';

/**
 * `trunkline backup --to <dir>`: copies the SQLite files of the data directory with SQLite's
 * online backup API, page by page, while the engine keeps serving; each copy is checked with
 * `PRAGMA integrity_check` before the command says it is done. The target becomes a data
 * directory `serve` can start on.
 */
export function addBackupCommand(program: Command, config: () => Config): void {
  program
    .command('backup')
    .description('copy the SQLite log (and the spent nonces) while the engine runs; check the copy')
    .requiredOption('--to <dir>', 'an empty or new directory')
    .option('--with-read-models', 'copy the read models too (they are rebuilt from the log otherwise)')
    .action(async (o: { to: string; withReadModels?: boolean }) => {
      const c = config();
      if (c.store !== 'sqlite')
        throw new Error(`the log is in ${c.store}: back it up with its own tools (pg_dump for PostgreSQL); this copies SQLite files`);
      const target = resolve(o.to);
      if (existsSync(target) && readdirSync(target).length > 0) throw new Error(`${target} is not empty; back up into a new directory`);
      mkdirSync(target, { recursive: true });
      const files = [eventsFile(c), spentNoncesFile(c), ...(o.withReadModels && c.readModels === 'sqlite' ? [readModelsFile(c)] : [])];
      for (const file of files) {
        if (!existsSync(file)) continue;
        await copy(file, join(target, basename(file)));
      }
      for (const extra of ['directory.json', 'trunkline.json', 'provider-key.pem'])
        if (existsSync(join(c.dataDir, extra))) await copyPlain(join(c.dataDir, extra), join(target, extra));
      process.stdout.write(`backed up ${c.dataDir} to ${target}\n`);
    });
}

async function copy(source: string, destination: string): Promise<void> {
  const db = new Database(source, { readonly: true, fileMustExist: true });
  const bar = progressBar(`backup ${basename(destination)}`, 'pages');
  try {
    let pages = 0;
    await db.backup(destination, {
      progress({ totalPages, remainingPages }) {
        pages = totalPages;
        bar.update(totalPages - remainingPages, totalPages);
        // pages per step: small enough that the writers are never held up for long
        return 256;
      },
    });
    bar.finish(pages);
  } finally {
    db.close();
  }
  const check = new Database(destination, { readonly: true, fileMustExist: true });
  try {
    const result = check.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new Error(`the copy of ${source} failed its integrity check: ${String(result)}`);
  } finally {
    check.close();
  }
}

async function copyPlain(source: string, destination: string): Promise<void> {
  await copyFile(source, destination);
  // a copied private key stays as private as the original
  await chmod(destination, (await stat(source)).mode & 0o777);
}
