import { readFileSync } from 'node:fs';

/**
 * A thread's (or process's) write system calls so far and the bytes they passed, from its
 * `/proc/…/io` file (proc(5): `syscw`, every write, writev and pwrite, to a socket or a file;
 * `wchar`, their bytes); null when it is gone, or the file cannot be read or lacks them.
 */
export function procWrites(path: string): { readonly calls: number; readonly bytes: number } | null {
  let io: string;
  try {
    io = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(io)?.[1] ?? NaN);
  const [calls, bytes] = [field('syscw'), field('wchar')];
  return Number.isFinite(calls) && Number.isFinite(bytes) ? { calls, bytes } : null;
}
