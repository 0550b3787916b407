import type Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';

/**
 * Runs a SQLite file's WAL checkpoints in a worker thread with its own connection. Left to
 * SQLite, every thousandth page written makes some commit copy the WAL back and fsync twice on
 * the event loop: a stall of milliseconds in a request. PASSIVE checkpoints never block a
 * writer; if the worker stops, the connection checkpoints itself again.
 */
export function backgroundCheckpoints(db: Database.Database, path: string, everyMs = 1000): { stop(): Promise<void> } {
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    const Database = require(workerData.driver);
    const db = new Database(workerData.path, { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    const timer = setInterval(() => {
      try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (e) { parentPort.postMessage(String(e && e.message)); }
    }, workerData.everyMs);
    parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
  `;
  const worker = new Worker(code, { eval: true, workerData: { driver: require.resolve('better-sqlite3'), path, everyMs } });
  worker.unref();
  let stopped = false;
  db.pragma('wal_autocheckpoint = 0');
  const fallBack = () => {
    if (stopped || !db.open) return;
    db.pragma('wal_autocheckpoint = 1000');
  };
  worker.once('error', fallBack);
  worker.once('exit', fallBack);
  return {
    async stop() {
      stopped = true;
      // unref'd so it never holds a process open; but while we wait for it, it must (else Node exits mid-close)
      worker.ref();
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('stop');
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, 2000).unref());
      await Promise.race([exited, timeout]);
      await worker.terminate();
    },
  };
}
