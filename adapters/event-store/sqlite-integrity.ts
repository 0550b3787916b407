import { existsSync, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/** The most problems one check reports: the first already says the file is not to be trusted. */
const MAX_PROBLEMS = 5;

export type IntegrityVerdict =
  | { readonly status: 'ok' }
  | { readonly status: 'corrupt'; readonly problems: readonly string[] }
  /** The file could not be read for the check (permissions, a lock held too long). */
  | { readonly status: 'unreadable'; readonly reason: string }
  /** The check had not finished within its budget; `outcome` is its verdict once it does. */
  | { readonly status: 'unfinished'; readonly outcome: Promise<IntegrityVerdict> };

/** quick_check's rows, one problem a line, without its `*** in database main ***` headings. */
function problemsOf(rows: readonly string[]): string[] {
  return rows
    .flatMap((r) => r.split('\n'))
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('***'));
}

/**
 * SQLite's `quick_check` of a file: every b-tree page, cell and free-list entry is walked (it
 * skips only the check that indexes match their tables), so it reads the whole file once. It
 * runs in a worker thread on a connection of its own, so a file too big for `budgetMs` leaves
 * an `unfinished` verdict and the caller decides; the check goes on in the background.
 */
export function checkSqliteIntegrity(path: string, budgetMs: number): Promise<IntegrityVerdict> {
  if (!existsSync(path) || statSync(path).size === 0) return Promise.resolve({ status: 'ok' });
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    const Database = require(workerData.driver);
    let db;
    try {
      db = new Database(workerData.path, { readonly: true, fileMustExist: true });
      db.pragma('busy_timeout = 5000');
      const rows = db.pragma('quick_check(' + workerData.max + ')', { simple: false });
      parentPort.postMessage({ rows: rows.map((r) => String(Object.values(r)[0])) });
    } catch (e) {
      parentPort.postMessage({ error: String(e && e.message), code: String(e && e.code) });
    } finally {
      if (db) db.close();
    }
  `;
  const outcome = new Promise<IntegrityVerdict>((resolve) => {
    const worker = new Worker(code, { eval: true, workerData: { driver: require.resolve('better-sqlite3'), path, max: MAX_PROBLEMS } });
    // a check still running must not keep a process alive that wants to exit
    worker.unref();
    worker.once('message', (m: { rows: string[] } | { error: string; code: string }) => {
      if ('rows' in m)
        resolve(m.rows.length === 1 && m.rows[0] === 'ok' ? { status: 'ok' } : { status: 'corrupt', problems: problemsOf(m.rows) });
      // a header so broken the file does not open is as corrupt as a broken page; a busy or missing file is not
      else if (/^SQLITE_(CORRUPT|NOTADB)/.test(m.code)) resolve({ status: 'corrupt', problems: [m.error] });
      else resolve({ status: 'unreadable', reason: m.error });
    });
    worker.once('error', (error) => resolve({ status: 'unreadable', reason: error.message }));
  });
  return Promise.race([
    outcome,
    new Promise<IntegrityVerdict>((resolve) => setTimeout(() => resolve({ status: 'unfinished', outcome }), budgetMs).unref()),
  ]);
}
