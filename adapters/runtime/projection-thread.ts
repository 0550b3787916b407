import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { Logger } from 'pino';
import { checkpointsServedBy } from '../event-store/sqlite-checkpointer';
import type { ProjectionStatus } from '../../projections/runner';
import type { Config } from './config';

/** What the projection thread is started with. */
export interface ProjectionThreadData {
  readonly config: Config;
  readonly logLevel: string;
  /** The serving thread's SQLite files are checkpointed through this port (checkpoint-loop.ts). */
  readonly checkpoints: MessagePort;
}

/** What the serving thread and the projection thread say to each other. */
export type ToProjectionThread = { readonly type: 'status'; readonly id: number } | { readonly type: 'stop' };
export type FromProjectionThread =
  | { readonly type: 'ready' }
  | { readonly type: 'rates-applied' }
  | { readonly type: 'status'; readonly id: number; readonly statuses: ProjectionStatus[] }
  | { readonly type: 'failed'; readonly message: string };

export interface ProjectionThread {
  /** The projections as the thread's runner sees them (running, caught up, last error); null while it restarts or does not answer. */
  status(): Promise<ProjectionStatus[] | null>;
  stop(): Promise<void>;
}

export interface ProjectionThreadOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** The rates projection committed rate events: the serving thread reloads its lookup. */
  readonly onRatesApplied: () => void;
}

/** How long a status request waits for the thread (it answers between batches) before the caller falls back. */
const STATUS_TIMEOUT_MS = 1000;
/** A thread that lived this long before it died starts again after the shortest wait. */
const STABLE_MS = 30_000;
const MAIN = require.resolve('./projection-thread-main');

/**
 * The code a worker runs: the engine's TypeScript sources need tsx's loader in the new thread,
 * as `bin/trunkline.js` installs it in the main one (compiled JavaScript needs nothing).
 */
function workerSource(): string {
  const lines = [`require(${JSON.stringify(MAIN)});`];
  if (MAIN.endsWith('.ts')) lines.unshift(`require(${JSON.stringify(require.resolve('tsx/cjs'))});`);
  return lines.join('\n');
}

/**
 * Runs the projections in a worker thread of this process: the same runner as `trunkline
 * projector`, with its own V8 heap, so its allocations and garbage collections never pause a
 * request. Resolves once the thread has prepared every projection (as `runner.start()` does);
 * a thread that dies later is started again, with backoff, until `stop()`.
 */
export async function startProjectionThread(options: ProjectionThreadOptions): Promise<ProjectionThread> {
  const log = options.logger.child({ component: 'projection-thread' });
  let worker: Worker | null = null;
  let stopping = false;
  let backoff = 500;
  let restartTimer: NodeJS.Timeout | null = null;
  let nextId = 0;
  let started = false;
  const asked = new Map<number, (statuses: ProjectionStatus[] | null) => void>();

  /** After the first start: a thread that dies, or fails to start again, is started again later. */
  function restartLater(reason: Record<string, unknown>): void {
    if (stopping) return;
    log.error({ ...reason, retryInMs: backoff }, 'projection thread down; starting it again');
    restartTimer = setTimeout(() => {
      restartTimer = null;
      if (!stopping) spawn().catch(() => undefined); // its exit schedules the next try
    }, backoff);
    backoff = Math.min(backoff * 2, 30_000);
  }

  function spawn(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      let readyAt = 0;
      // the thread also checkpoints this thread's SQLite files: the process needs no checkpoint worker of its own
      const checkpoints = new MessageChannel();
      const workerData: ProjectionThreadData = { config: options.config, logLevel: options.logger.level, checkpoints: checkpoints.port2 };
      const w = new Worker(workerSource(), { eval: true, workerData, transferList: [checkpoints.port2] });
      worker = w;
      w.on('message', (message: FromProjectionThread) => {
        switch (message.type) {
          case 'ready':
            ready = started = true;
            readyAt = Date.now();
            checkpointsServedBy(checkpoints.port1);
            return resolve();
          case 'rates-applied':
            return options.onRatesApplied();
          case 'status':
            asked.get(message.id)?.(message.statuses);
            asked.delete(message.id);
            return;
          case 'failed':
            log.error({ reason: message.message }, 'projection thread failed');
            return;
        }
      });
      w.on('error', (err) => log.error({ err }, 'projection thread error'));
      w.on('exit', (code) => {
        if (worker === w) worker = null;
        for (const answer of asked.values()) answer(null);
        asked.clear();
        if (!ready) reject(new Error(`the projection thread exited (code ${code}) before it was ready`));
        // a thread that ran a while had a fault of its own; one that keeps dying waits longer each time
        if (ready && Date.now() - readyAt > STABLE_MS) backoff = 500;
        // the first start's failure is serve's (it rejects); any later exit is retried
        if (started) restartLater({ code, ready });
      });
    });
  }

  await spawn();
  return {
    status() {
      const w = worker;
      if (!w) return Promise.resolve(null);
      const id = ++nextId;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          asked.delete(id);
          resolve(null);
        }, STATUS_TIMEOUT_MS);
        asked.set(id, (statuses) => {
          clearTimeout(timer);
          resolve(statuses);
        });
        w.postMessage({ type: 'status', id } satisfies ToProjectionThread);
      });
    },
    async stop() {
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      const w = worker;
      if (!w) return;
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.postMessage({ type: 'stop' } satisfies ToProjectionThread);
      // a batch in flight finishes and commits; a thread that hangs is ended after 10 s
      const timer = setTimeout(() => void w.terminate(), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
