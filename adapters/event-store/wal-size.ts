import { statSync } from 'node:fs';

/** Bytes of a SQLite file's write-ahead log; 0 when there is none (closed cleanly, or never written). */
export function walBytes(path: string): number {
  try {
    return statSync(`${path}-wal`).size;
  } catch {
    return 0;
  }
}
