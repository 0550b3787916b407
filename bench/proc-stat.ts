import { readFileSync } from 'node:fs';

/** The clock ticks /proc counts CPU time in (USER_HZ: 100 on Linux). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU so far (user + system, in ms) and nice value of a process or thread, from its
 * `/proc/…/stat` file; null when it is gone. Fields are counted from after the command name's
 * closing parenthesis: the name may hold spaces (proc(5): utime 14, stime 15, nice 19).
 */
export function procStat(
  path: string,
): { readonly cpuMs: number; readonly userMs: number; readonly systemMs: number; readonly nice: number } | null {
  let stat: string;
  try {
    stat = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const userMs = (Number(fields[11]) * 1000) / CLOCK_TICKS_PER_SECOND;
  const systemMs = (Number(fields[12]) * 1000) / CLOCK_TICKS_PER_SECOND;
  return { cpuMs: userMs + systemMs, userMs, systemMs, nice: Number(fields[16]) };
}
