/**
 * Groups an async iterable into arrays of at most `size`, closing a group early when the next
 * item is not ready right away: a catch-up runs in big transactions, a live feed without delay.
 */
export async function* batches<T>(source: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  const it = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | null = null;
  let batch: T[] = [];
  const idle = Symbol('idle');
  try {
    for (;;) {
      pending ??= it.next();
      const next: IteratorResult<T> | typeof idle =
        batch.length === 0 ? await pending : await Promise.race([pending, new Promise<typeof idle>((r) => setImmediate(() => r(idle)))]);
      if (next === idle) {
        yield batch;
        batch = [];
        continue;
      }
      pending = null;
      if (next.done) break;
      batch.push(next.value);
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    if (!pending) await it.return?.();
  }
}
