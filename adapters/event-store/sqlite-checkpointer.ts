import type Database from 'better-sqlite3';
import { Worker, type MessagePort } from 'node:worker_threads';
import { CHECKPOINT_EVERY_MS, type FromCheckpoints, type ToCheckpoints } from './checkpoint-loop';
import { walBytes } from './wal-size';

const LOOP = require.resolve('./checkpoint-loop');

/** The checkpoint worker's code (the sources need tsx's loader in the new thread; compiled JavaScript needs nothing). */
function workerSource(): string {
  const lines = [`require(${JSON.stringify(LOOP)}).serveCheckpoints(require('node:worker_threads').parentPort, ${CHECKPOINT_EVERY_MS});`];
  if (LOOP.endsWith('.ts')) lines.unshift(`require(${JSON.stringify(require.resolve('tsx/cjs'))});`);
  return lines.join('\n');
}

/** What runs this thread's checkpoints: a worker of its own, or a port another thread of the process serves. */
interface Host {
  readonly channel: Worker | MessagePort;
  readonly removed: Map<number, () => void>;
}

/** This thread's connections whose files are checkpointed elsewhere, each with its file; kept from one host to the next. */
const connections = new Map<Database.Database, string>();
let host: Host | null = null;
let nextId = 0;

/**
 * The WAL size that starts the worker, SQLite's own checkpoint threshold (1,000 pages of 4 KiB):
 * the thread costs megabytes, and an engine that writes nothing never needs it. A WAL is not
 * checkpointed before, as SQLite would not have either.
 */
const START_AT_WAL_BYTES = 4 * 1024 * 1024;
/** Looks at the sizes of the connections' WAL files every second while there is no host. */
let watch: NodeJS.Timeout | null = null;

function watchWals(): void {
  watch ??= setInterval(() => {
    for (const path of connections.values())
      if (walBytes(path) >= START_AT_WAL_BYTES) {
        attach(new Worker(workerSource(), { eval: true }));
        return;
      }
  }, CHECKPOINT_EVERY_MS).unref();
}

function stopWatching(): void {
  if (watch) clearInterval(watch);
  watch = null;
}

/** Told of each checkpoint that threw: the file and SQLite's message. */
export type CheckpointErrorReport = (path: string, message: string) => void;
const reports = new Set<CheckpointErrorReport>();

/**
 * Adds one that hears this thread's failed checkpoints (a disk that refuses the database file's
 * writes, a damaged file): without one, a WAL that no checkpoint could copy back grew without a
 * word. Each failure goes to every one registered, each engine of the process picking its own
 * files. Returns what removes it.
 */
export function reportCheckpointErrors(report: CheckpointErrorReport): () => void {
  reports.add(report);
  return () => void reports.delete(report);
}

const post = (h: Host, message: ToCheckpoints) => h.channel.postMessage(message);
const isWorker = (channel: Worker | MessagePort): channel is Worker => channel instanceof Worker;

/** Left to SQLite again: a connection with no host checkpoints itself, as by default. */
function fallBack(db: Database.Database): void {
  if (db.open) db.pragma('wal_autocheckpoint = 1000');
}

/** Makes `channel` this thread's host, and hands it every connection. */
function attach(channel: Worker | MessagePort): Host {
  stopWatching();
  const h: Host = { channel, removed: new Map() };
  channel.unref();
  channel.on('message', (message: FromCheckpoints) => {
    if (message.type === 'removed') {
      h.removed.get(message.id)?.();
      h.removed.delete(message.id);
    } else if (message.type === 'failed') {
      for (const [db, path] of connections) if (path === message.path) fallBack(db);
    } else for (const report of reports) report(message.path, message.message);
  });
  const down = () => {
    if (host !== h) return;
    host = null;
    for (const db of connections.keys()) fallBack(db);
    for (const answer of h.removed.values()) answer();
    h.removed.clear();
  };
  if (isWorker(channel)) {
    channel.once('error', down);
    channel.once('exit', down);
  } else channel.once('close', down);
  host = h;
  for (const [db, path] of connections) {
    db.pragma('wal_autocheckpoint = 0');
    post(h, { type: 'add', path });
  }
  return h;
}

/** Waits, holding the process open meanwhile, for `until` or 2 s. */
async function waitHeld(channel: Worker | MessagePort, until: Promise<void>): Promise<void> {
  // unref'd so it never holds a process open; but while we wait for it, it must (else Node exits mid-close)
  channel.ref();
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, 2000).unref());
  await Promise.race([until, timeout]);
  channel.unref();
}

async function endOwnWorker(worker: Worker): Promise<void> {
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  void worker.terminate();
  await waitHeld(worker, exited);
}

/**
 * Runs a SQLite file's WAL checkpoints off this thread, on a connection of another thread. Left
 * to SQLite, every thousandth page written makes some commit copy the WAL back and fsync twice
 * on the event loop: a stall of milliseconds in a request. PASSIVE checkpoints never block a
 * writer; if the other thread stops, the connection checkpoints itself again. Every file of a
 * thread goes to one host: a worker of its own, started once a WAL reaches SQLite's threshold
 * (a thread costs megabytes of memory, a checkpoint a few milliseconds a second), or, once
 * `checkpointsServedBy` gives one, the projection thread.
 */
export function backgroundCheckpoints(db: Database.Database, path: string): { stop(): Promise<void> } {
  // an in-memory database has no WAL, and no other connection could reach it
  if (path === ':memory:') return { stop: async () => undefined };
  connections.set(db, path);
  db.pragma('wal_autocheckpoint = 0');
  if (host) post(host, { type: 'add', path });
  else watchWals();
  return {
    async stop() {
      if (!connections.delete(db)) return;
      if (connections.size === 0) stopWatching();
      const h = host;
      if (!h) return;
      const id = ++nextId;
      // the host's connection to the file is closed before the caller closes its own
      await waitHeld(
        h.channel,
        new Promise<void>((resolve) => {
          h.removed.set(id, resolve);
          post(h, { type: 'remove', path, id });
        }),
      );
      if (connections.size > 0 || host !== h || !isWorker(h.channel)) return;
      host = null;
      await endOwnWorker(h.channel);
    },
  };
}

/**
 * From now on this thread's checkpoints run at the other end of `port` (serveCheckpoints of
 * checkpoint-loop.ts in another thread): this thread's own worker, if it has one, ends. When
 * the port closes, the connections checkpoint themselves until another host is given.
 */
export function checkpointsServedBy(port: MessagePort): void {
  const before = host;
  attach(port);
  if (before && isWorker(before.channel)) void endOwnWorker(before.channel);
}

/** How many checkpoint workers this thread runs (0 or 1): what tests look at. */
export const checkpointWorkers = (): number => (host && isWorker(host.channel) ? 1 : 0);
