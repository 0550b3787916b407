import type Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';

/**
 * The checkpoint worker's code: one connection per file it is given, a PASSIVE checkpoint of
 * each every `everyMs`. A file is closed when the last connection that asked for it is gone.
 */
const WORKER_CODE = `
  const { workerData, parentPort } = require('node:worker_threads');
  const Database = require(workerData.driver);
  const files = new Map();
  const timer = setInterval(() => {
    for (const [path, file] of files)
      try { file.db.pragma('wal_checkpoint(PASSIVE)'); } catch (e) { parentPort.postMessage({ type: 'error', path, message: String(e && e.message) }); }
  }, workerData.everyMs);
  parentPort.on('message', (m) => {
    if (m.type === 'add') {
      const file = files.get(m.path);
      if (file) file.users++;
      else
        try {
          const db = new Database(m.path, { fileMustExist: true });
          db.pragma('busy_timeout = 5000');
          files.set(m.path, { db, users: 1 });
        } catch (e) { parentPort.postMessage({ type: 'failed', path: m.path }); }
    } else if (m.type === 'remove') {
      const file = files.get(m.path);
      if (file && --file.users === 0) { file.db.close(); files.delete(m.path); }
      parentPort.postMessage({ type: 'removed', id: m.id });
    }
  });
`;

type FromWorker =
  | { readonly type: 'error'; readonly path: string; readonly message: string }
  | { readonly type: 'failed'; readonly path: string }
  | { readonly type: 'removed'; readonly id: number };

interface Shared {
  readonly worker: Worker;
  /** The connections whose files it checkpoints, each with its file. */
  readonly connections: Map<Database.Database, string>;
  readonly removed: Map<number, () => void>;
  nextId: number;
}

const EVERY_MS = 1000;
/** This thread's checkpoint worker, while some connection of the thread uses it. */
let shared: Shared | null = null;

/** Left to SQLite again: a connection whose worker is gone checkpoints itself, as by default. */
function fallBack(db: Database.Database): void {
  if (db.open) db.pragma('wal_autocheckpoint = 1000');
}

function startWorker(): Shared {
  const worker = new Worker(WORKER_CODE, { eval: true, workerData: { driver: require.resolve('better-sqlite3'), everyMs: EVERY_MS } });
  worker.unref();
  const s: Shared = { worker, connections: new Map(), removed: new Map(), nextId: 0 };
  worker.on('message', (message: FromWorker) => {
    if (message.type === 'removed') {
      s.removed.get(message.id)?.();
      s.removed.delete(message.id);
    } else if (message.type === 'failed') {
      for (const [db, path] of s.connections) if (path === message.path) fallBack(db);
    }
  });
  const down = () => {
    if (shared === s) shared = null;
    for (const db of s.connections.keys()) fallBack(db);
    s.connections.clear();
    for (const answer of s.removed.values()) answer();
    s.removed.clear();
  };
  worker.once('error', down);
  worker.once('exit', down);
  return s;
}

/** Waits, holding the process open meanwhile, for `until` or 2 s. */
async function waitHeld(worker: Worker, until: Promise<void>): Promise<void> {
  // unref'd so it never holds a process open; but while we wait for it, it must (else Node exits mid-close)
  worker.ref();
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, 2000).unref());
  await Promise.race([until, timeout]);
  worker.unref();
}

/**
 * Runs a SQLite file's WAL checkpoints in a worker thread with its own connection. Left to
 * SQLite, every thousandth page written makes some commit copy the WAL back and fsync twice on
 * the event loop: a stall of milliseconds in a request. PASSIVE checkpoints never block a
 * writer; if the worker stops, the connection checkpoints itself again. Every file of a thread
 * shares one worker: a thread costs megabytes of memory, a checkpoint a few milliseconds a second.
 */
export function backgroundCheckpoints(db: Database.Database, path: string): { stop(): Promise<void> } {
  // an in-memory database has no WAL, and no other connection could reach it
  if (path === ':memory:') return { stop: async () => undefined };
  const s = (shared ??= startWorker());
  s.connections.set(db, path);
  db.pragma('wal_autocheckpoint = 0');
  s.worker.postMessage({ type: 'add', path });
  return {
    async stop() {
      if (!s.connections.delete(db)) return;
      const id = ++s.nextId;
      // the worker's connection to the file is closed before the caller closes its own
      await waitHeld(
        s.worker,
        new Promise<void>((resolve) => {
          s.removed.set(id, resolve);
          s.worker.postMessage({ type: 'remove', path, id });
        }),
      );
      if (s.connections.size > 0) return;
      if (shared === s) shared = null;
      const exited = new Promise<void>((resolve) => s.worker.once('exit', () => resolve()));
      void s.worker.terminate();
      await waitHeld(s.worker, exited);
    },
  };
}

/** How many checkpoint workers this thread runs (0 or 1): what tests look at. */
export const checkpointWorkers = (): number => (shared ? 1 : 0);
