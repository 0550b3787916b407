import Database from 'better-sqlite3';
import type { MessagePort } from 'node:worker_threads';

/** What a thread asks of the thread that checkpoints its SQLite files, and what it hears back. */
export type ToCheckpoints =
  { readonly type: 'add'; readonly path: string } | { readonly type: 'remove'; readonly path: string; readonly id: number };
export type FromCheckpoints =
  | { readonly type: 'error'; readonly path: string; readonly message: string }
  | { readonly type: 'failed'; readonly path: string }
  | { readonly type: 'removed'; readonly id: number };

export const CHECKPOINT_EVERY_MS = 1000;
/**
 * WAL frames (pages of 4 KiB: 64 MiB) past which a checkpoint also starts the log again. A PASSIVE
 * checkpoint copies back what was committed when it began; SQLite starts writing its WAL from the
 * beginning only once every frame is copied, so under appends that never pause (another thread's)
 * it never is, and the WAL grew by every commit (a few pages each) for as long as they went on.
 */
export const RESTART_AT_FRAMES = 16_384;
/**
 * How long a restart waits for the writer and the readers of the file: it holds off new writers
 * while it copies the last frames and waits for the readers, so a request's append may wait as long.
 */
const RESTART_WAIT_MS = 10;
/** What the checkpoint connections wait for a lock otherwise. */
const BUSY_TIMEOUT_MS = 5000;

interface CheckpointResult {
  readonly busy: number;
  /** Frames in the WAL. */
  readonly log: number;
  readonly checkpointed: number;
}

/**
 * A PASSIVE checkpoint, which never blocks a writer, then, when the WAL has grown past
 * `restartAtFrames`, a RESTART: it copies back the few frames committed since, and waits (briefly)
 * for the readers to leave the log, so the next commit writes the WAL from its start again. A
 * writer or reader that keeps it waiting past RESTART_WAIT_MS costs only this attempt; the next
 * second tries again.
 */
function checkpoint(db: Database.Database, restartAtFrames: number): void {
  const [passive] = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[];
  if (!passive || passive.log < restartAtFrames) return;
  db.pragma(`busy_timeout = ${RESTART_WAIT_MS}`);
  try {
    db.pragma('wal_checkpoint(RESTART)');
  } finally {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}

/**
 * Checkpoints the files asked for on `port`: one connection per file, a checkpoint of each every
 * `everyMs` (see `checkpoint`). A file is closed when the last connection that asked for it is gone.
 * Runs in the checkpoint worker, or in the projection thread, which then spares the process a
 * thread of its own.
 */
export function serveCheckpoints(
  port: MessagePort,
  everyMs = CHECKPOINT_EVERY_MS,
  { restartAtFrames = RESTART_AT_FRAMES }: { readonly restartAtFrames?: number } = {},
): { close(): void } {
  const files = new Map<string, { readonly db: Database.Database; users: number }>();
  const send = (message: FromCheckpoints) => port.postMessage(message);
  const timer = setInterval(() => {
    for (const [path, file] of files)
      try {
        checkpoint(file.db, restartAtFrames);
      } catch (e) {
        send({ type: 'error', path, message: String((e as Error).message) });
      }
  }, everyMs);
  // the port holds the thread while someone may still ask for checkpoints; the timer never does
  timer.unref();
  port.on('message', (m: ToCheckpoints) => {
    const file = files.get(m.path);
    if (m.type === 'add') {
      if (file) file.users++;
      else
        try {
          const db = new Database(m.path, { fileMustExist: true });
          db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
          files.set(m.path, { db, users: 1 });
        } catch {
          send({ type: 'failed', path: m.path });
        }
    } else {
      if (file && --file.users === 0) {
        file.db.close();
        files.delete(m.path);
      }
      send({ type: 'removed', id: m.id });
    }
  });
  return {
    close() {
      clearInterval(timer);
      for (const file of files.values()) file.db.close();
      files.clear();
      port.close();
    },
  };
}
