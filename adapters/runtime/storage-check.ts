import type { Logger } from 'pino';
import { checkSqliteIntegrity, type IntegrityVerdict } from '../event-store/sqlite-integrity';
import type { Config } from './config';
import { sqliteFiles } from './open-stores';

/**
 * How long `serve` waits for the integrity checks before it serves anyway. A check reads the
 * whole file: a log of 1,000,000 events (360 MB) takes about 0.8 s from the page cache and
 * 6.5 s from disk after a reboot, so this covers a log of a few million events cold. A bigger
 * one is checked in the background, and a fault found then is reported by `onLateFault`.
 */
export const STARTUP_CHECK_BUDGET_MS = 10_000;

/** What an operator does with each file when it is corrupt. */
const REMEDY: Readonly<Record<ReturnType<typeof sqliteFiles>[number]['role'], (path: string) => string>> = {
  events: (path) => `restore it from a backup, or salvage what is readable with: sqlite3 ${path} .recover | sqlite3 recovered.sqlite`,
  'read-models': () => 'move it aside and start again: the read models are rebuilt from the log',
  'spent-nonces': () => 'move it aside and start again once the signature window has passed',
};

/** A file `serve` must not start on: the message is the one line an operator reads. */
export class CorruptStorageError extends Error {
  override readonly name = 'CorruptStorageError';
}

function complaint(role: keyof typeof REMEDY, path: string, verdict: IntegrityVerdict): string | null {
  if (verdict.status === 'corrupt') return `${path} is corrupt (${verdict.problems[0]}); ${REMEDY[role](path)}`;
  if (verdict.status === 'unreadable') return `${path} cannot be read to check it (${verdict.reason})`;
  return null;
}

/**
 * Runs SQLite's quick_check on every SQLite file of the configuration, all at once, and throws
 * the first fault found within the budget. A check that outlasts it is logged and left to
 * finish; `onLateFault` hears what it finds.
 */
export async function checkStorageAtStart(
  config: Config,
  logger: Logger,
  onLateFault: (role: keyof typeof REMEDY, message: string) => void,
  budgetMs = STARTUP_CHECK_BUDGET_MS,
): Promise<void> {
  const files = sqliteFiles(config);
  const verdicts = await Promise.all(files.map((f) => checkSqliteIntegrity(f.path, budgetMs)));
  const faults: string[] = [];
  verdicts.forEach((verdict, i) => {
    const { role, path } = files[i]!;
    const fault = complaint(role, path, verdict);
    if (fault) faults.push(fault);
    if (verdict.status !== 'unfinished') return;
    logger.warn({ file: path, budgetMs }, 'integrity check still running; serving meanwhile');
    void verdict.outcome.then((late) => {
      const lateFault = complaint(role, path, late);
      if (lateFault) onLateFault(role, lateFault);
      else logger.info({ file: path }, 'integrity check passed');
    });
  });
  if (faults.length) throw new CorruptStorageError(faults.join('; '));
}
