import { basename } from 'node:path';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import type { CheckpointErrorReport } from '../event-store/sqlite-checkpointer';
import type { Metrics } from './metrics';

/** While a file's checkpoints keep failing (every second), how often the log says so again. */
export const SAY_AGAIN_MS = 60_000;

/**
 * What the serving thread does with a failed checkpoint: counts it in
 * `trunkline_sqlite_checkpoint_errors_total{file}` and logs it, once, then once a minute with the
 * number since, while it goes on. Until a checkpoint succeeds the file's WAL keeps every commit,
 * so a disk that refuses the database file's writes shows here before it fills.
 */
export function checkpointErrorReporter(deps: {
  readonly metrics: Metrics;
  readonly logger: Pick<Logger, 'error'>;
  readonly files: readonly { readonly role: string; readonly path: string }[];
  readonly now?: () => number;
}): CheckpointErrorReport {
  const now = deps.now ?? Date.now;
  const failures = new Counter({
    name: 'trunkline_sqlite_checkpoint_errors_total',
    help: "Checkpoints of a SQLite file that failed; while they do, the file's WAL keeps growing",
    labelNames: ['file'] as const,
    registers: [deps.metrics.registry],
  });
  const said = new Map<string, { at: number; since: number }>();
  return (path, message) => {
    const file = deps.files.find((f) => f.path === path)?.role ?? basename(path);
    failures.inc({ file });
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
