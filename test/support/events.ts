import type { EventToAppend } from '../../core/events/envelope';
import { uuidv7Generator } from '../../core/ids';
import { systemClock } from '../../core/clock';

const ids = uuidv7Generator(systemClock);

export function newEvent(type = 'TestHappened', data: Record<string, string | number> = {}, id = ids.next()): EventToAppend {
  return { id, type, schemaVersion: 1, data, metadata: { actor: 'test' } };
}

export function newEvents(n: number, type = 'TestHappened'): EventToAppend[] {
  return Array.from({ length: n }, (_, i) => newEvent(type, { i }));
}

export async function collect<T>(iterable: AsyncIterable<T>, limit = Number.MAX_SAFE_INTEGER): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iterable) {
    out.push(x);
    if (out.length >= limit) break;
  }
  return out;
}

/** Takes `n` events from a live iterator, failing after `ms` instead of hanging. */
export async function take<T>(iterator: AsyncIterator<T>, n: number, ms = 10_000): Promise<T[]> {
  const out: T[] = [];
  const deadline = Date.now() + ms;
  while (out.length < n) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out after ${out.length} of ${n}`);
    let timer: NodeJS.Timeout | undefined;
    const next = await Promise.race([iterator.next(), new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), left)))]);
    clearTimeout(timer);
    if (next === 'timeout') throw new Error(`timed out after ${out.length} of ${n}`);
    if (next.done) throw new Error(`iterator ended after ${out.length} of ${n}`);
    out.push(next.value);
  }
  return out;
}
