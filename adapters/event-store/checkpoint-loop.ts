import Database from 'better-sqlite3';
import { closeSync, fdatasyncSync, openSync } from 'node:fs';
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
 * WAL frames (pages of 4 KiB: 64 MiB) from which a checkpoint also starts the log again. A PASSIVE
 * checkpoint copies back what was committed when it began; SQLite starts writing its WAL from the
 * beginning only once every frame is copied, so under appends that never pause (another thread's)
 * it never is, and the WAL grew by every commit (a few pages each) for as long as they went on.
 */
export const RESTART_AT_FRAMES = 16_384;
/**
 * How long a restart waits for the writer lock and for the readers to leave the log. This bounds
 * the waits only: once it has the lock it also copies the frames committed since the PASSIVE
 * pass and syncs the database file, and writers wait for all of it (see `checkpoint`).
 */
const RESTART_WAIT_MS = 10;
/**
 * Sync-and-copy passes before a restart at most, each ending when its PASSIVE copied fewer than
 * LEFT_FOR_THE_LOCK frames: under a bulk load a sync takes long enough for much more to be
 * committed meanwhile, and all of that would be copied and synced under the writer lock.
 */
const PRE_RESTART_PASSES = 4;
const LEFT_FOR_THE_LOCK = 1024;
/** What the checkpoint connections wait for a lock otherwise. */
const BUSY_TIMEOUT_MS = 5000;

interface CheckpointResult {
  readonly busy: number;
  /** Frames written since the WAL last started again; -1 when another connection was checkpointing. */
  readonly log: number;
  readonly checkpointed: number;
}

/** A restart tried: whether a writer or reader kept it waiting too long, and the frames the WAL held. */
export interface Restart {
  readonly refused: boolean;
  readonly frames: number;
}

interface CheckpointedFile {
  readonly db: Database.Database;
  /** The database file, to sync what the PASSIVE pass copied before a restart takes the writer lock. */
  readonly fd: number;
  users: number;
  /** The WAL size, in frames, at which the next restart is tried. */
  restartAt: number;
}

/**
 * A PASSIVE checkpoint, which never blocks a writer, then, when the WAL has grown to
 * `file.restartAt` frames, a RESTART, so the next commit writes the WAL from its start again.
 * A RESTART holds off writers from the moment it has the writer lock: while it copies the frames
 * committed since the PASSIVE pass, syncs the database file, and waits for the readers to leave
 * the log. So the database file is synced first and another PASSIVE pass copies what came
 * meanwhile, both without the lock, until a pass finds little new: what is left under the lock
 * is a few frames and their sync.
 * When a reader keeps it waiting past RESTART_WAIT_MS (a long report, a rebuild reading the log
 * from another process), or the writer held its lock as long, the next try comes only once as
 * much again has been written, not at the next tick.
 */
function checkpoint(file: CheckpointedFile, restartAtFrames: number): Restart | null {
  const [passive] = file.db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[];
  // another connection is checkpointing (a CLI command's own): nothing is known of the WAL this time
  if (!passive || passive.log < 0) return null;
  if (passive.log < file.restartAt) {
    // a WAL that started again (after a restart, or by the writer's own) is measured from the threshold again
    if (passive.log < restartAtFrames) file.restartAt = restartAtFrames;
    return null;
  }
  // without the lock, sync what was copied and copy what came meanwhile, until little is left for the lock
  let copied = passive.checkpointed;
  for (let pass = 0; pass < PRE_RESTART_PASSES; pass++) {
    fdatasyncSync(file.fd);
    const [again] = file.db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[];
    if (!again || again.log < 0 || again.checkpointed - copied < LEFT_FOR_THE_LOCK) break;
    copied = again.checkpointed;
  }
  file.db.pragma(`busy_timeout = ${RESTART_WAIT_MS}`);
  try {
    const [restart] = file.db.pragma('wal_checkpoint(RESTART)') as CheckpointResult[];
    const refused = restart === undefined || restart.busy !== 0;
    const frames = restart !== undefined && restart.log >= 0 ? restart.log : passive.log;
    // restarted, the WAL starts again at the next commit: until then it is not tried again
    file.restartAt = refused ? frames + restartAtFrames : frames + 1;
    return { refused, frames };
  } finally {
    file.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
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
  {
    restartAtFrames = RESTART_AT_FRAMES,
    onRestart,
  }: { readonly restartAtFrames?: number; readonly onRestart?: (path: string, restart: Restart) => void } = {},
): { close(): void } {
  const files = new Map<string, CheckpointedFile>();
  const send = (message: FromCheckpoints) => port.postMessage(message);
  const timer = setInterval(() => {
    for (const [path, file] of files)
      try {
        const restart = checkpoint(file, restartAtFrames);
        if (restart) onRestart?.(path, restart);
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
          const fd = openSync(m.path, 'r');
          try {
            const db = new Database(m.path, { fileMustExist: true });
            db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
            files.set(m.path, { db, fd, users: 1, restartAt: restartAtFrames });
          } catch (error) {
            closeSync(fd);
            throw error;
          }
        } catch {
          send({ type: 'failed', path: m.path });
        }
    } else {
      if (file && --file.users === 0) {
        file.db.close();
        closeSync(file.fd);
        files.delete(m.path);
      }
      send({ type: 'removed', id: m.id });
    }
  });
  return {
    close() {
      clearInterval(timer);
      for (const file of files.values()) {
        file.db.close();
        closeSync(file.fd);
      }
      files.clear();
      port.close();
    },
  };
}
