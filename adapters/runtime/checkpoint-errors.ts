import type { Logger } from 'pino';
import type { CheckpointErrorReport } from '../event-store/sqlite-checkpointer';

/** While a file's checkpoints keep failing (every second), how often the log says so again. */
export const SAY_AGAIN_MS = 60_000;

/**
 * What an engine does with a failed checkpoint of one of its `files` (others are another
 * engine's): counts it (`count`, the serving engine's metric) and logs it, once, then once a
 * minute with the number since, while it goes on. Until a checkpoint succeeds the file's WAL
 * keeps every commit, so a disk that refuses the database file's writes shows here before it
 * fills. No metrics library here: a one-shot command loads none.
 */
export function checkpointErrorReporter(deps: {
  readonly logger: Pick<Logger, 'error'>;
  readonly files: readonly { readonly role: string; readonly path: string }[];
  readonly count?: (file: string) => void;
  readonly now?: () => number;
}): CheckpointErrorReport {
  // monotonic: a wall clock set back would silence the log for as long
  const now = deps.now ?? (() => performance.now());
  const said = new Map<string, { at: number; since: number }>();
  return (path, message) => {
    const file = deps.files.find((f) => f.path === path)?.role;
    if (file === undefined) return;
    deps.count?.(file);
    const last = said.get(path);
    if (last && now() - last.at < SAY_AGAIN_MS) {
      last.since++;
      return;
    }
    said.set(path, { at: now(), since: 0 });
    deps.logger.error(
      { file, path, error: message, ...(last ? { failedSinceLastSaid: last.since } : {}) },
      'SQLite checkpoint failed: the WAL grows until one succeeds',
    );
  };
}
