import type { Subscription } from '../../core/event-store';
import type { RecordedEvent } from '../../core/events/envelope';

/** Something that resolves when new events may have been committed (or after `timeoutMs`). */
export type ChangeSignal = (timeoutMs: number, abort: AbortSignal) => Promise<void>;

/**
 * A subscription built on `readAll`: read everything after the last position seen, then wait for
 * a change signal and read again. Correct on any backend whose readAll never shows a later
 * position before an earlier one commits (SQLite and our serialized PostgreSQL appends); the
 * signal only makes it prompt, the poll interval makes it safe when a signal is missed
 * (another process wrote).
 */
export function liveSubscription(
  readAll: (after: number) => AsyncIterable<RecordedEvent>,
  waitForChange: ChangeSignal,
  afterPosition: number,
  pollMs: number,
): Subscription {
  const stop = new AbortController();
  let last = afterPosition;
  async function* run(): AsyncGenerator<RecordedEvent> {
    while (!stop.signal.aborted) {
      for await (const event of readAll(last)) {
        if (stop.signal.aborted) return;
        last = event.position;
        yield event;
      }
      await waitForChange(pollMs, stop.signal);
    }
  }
  const iterator = run();
  return {
    [Symbol.asyncIterator]: () => iterator,
    async close() {
      stop.abort();
      await iterator.return(undefined);
    },
  };
}

/** A change signal for appends made in this process, with a timeout for those made elsewhere. */
export function localChangeSignal() {
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of [...waiters]) w();
  };
  const wait: ChangeSignal = (timeoutMs, abort) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        abort.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      waiters.add(done);
      abort.addEventListener('abort', done, { once: true });
    });
  return { notify, wait };
}
