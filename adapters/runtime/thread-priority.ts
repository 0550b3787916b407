import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Lowers the calling thread's scheduling priority (nice 0–19), on Linux, where setpriority(2)
 * takes a thread id for a pid and changes that thread alone. Background work (projections)
 * then yields the cores to the threads that answer requests whenever both want one. Returns
 * false where this cannot be done (another OS, no /proc), which changes nothing else.
 */
export function lowerThreadPriority(nice: number): boolean {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
