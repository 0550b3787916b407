/** How long a group stays open after its first item: fixed, or from the size of the group before it (0 for the first). */
export type Linger = number | ((previousSize: number) => number);

/**
 * Groups an async iterable into arrays of at most `size`, closing a group early when the next
 * item is not ready: a catch-up runs in big transactions, a live feed promptly. With a linger,
 * a group stays open that long after its first item (fewer, larger transactions under load, at
 * the price of that much delay); without, it closes as soon as the next item is not ready at once.
 */
export async function* batches<T>(source: AsyncIterable<T>, size: number, linger: Linger = 0): AsyncGenerator<T[]> {
  const it = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | null = null;
  let batch: T[] = [];
  let previousSize = 0;
  /** This group's linger, fixed when its first item comes. */
  let lingerMs = 0;
  const idle = Symbol('idle');
  /** With a linger: one timer per group, raced by every item until it fires. */
  let closing: Promise<typeof idle> | null = null;
  let timer: NodeJS.Timeout | undefined;
  const notReady = () =>
    lingerMs > 0
      ? (closing ??= new Promise((r) => (timer = setTimeout(() => r(idle), lingerMs))))
      : new Promise<typeof idle>((r) => setImmediate(() => r(idle)));
  /** Ends a group; a group that filled up before its linger ran out does not leave the timer holding the process. */
  const close = () => {
    previousSize = batch.length;
    batch = [];
    closing = null;
    clearTimeout(timer);
  };
  try {
    for (;;) {
      pending ??= it.next();
      const next: IteratorResult<T> | typeof idle = batch.length === 0 ? await pending : await Promise.race([pending, notReady()]);
      if (next === idle) {
        yield batch;
        close();
        continue;
      }
      pending = null;
      if (next.done) break;
      batch.push(next.value);
      if (batch.length === 1) {
        lingerMs = typeof linger === 'function' ? linger(previousSize) : linger;
        if (lingerMs > 0) notReady();
      }
      if (batch.length >= size) {
        yield batch;
        close();
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    clearTimeout(timer);
    if (!pending) await it.return?.();
  }
}
