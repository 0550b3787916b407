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
 * Checkpoints the files asked for on `port`: one connection per file, a PASSIVE checkpoint of
 * each every `everyMs`. A file is closed when the last connection that asked for it is gone.
 * Runs in the checkpoint worker, or in the projection thread, which then spares the process a
 * thread of its own.
 */
export function serveCheckpoints(port: MessagePort, everyMs = CHECKPOINT_EVERY_MS): { close(): void } {
  const files = new Map<string, { readonly db: Database.Database; users: number }>();
  const send = (message: FromCheckpoints) => port.postMessage(message);
  const timer = setInterval(() => {
    for (const [path, file] of files)
      try {
        file.db.pragma('wal_checkpoint(PASSIVE)');
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
          db.pragma('busy_timeout = 5000');
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
