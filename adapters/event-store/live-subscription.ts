import { BroadcastChannel } from 'node:worker_threads';
import type { Subscription } from '../../core/event-store';
import type { RecordedEvent } from '../../core/events/envelope';

/**
 * Tells when new events may have been committed. `seq()` counts the notifications so far;
 * `wait(seq, …)` returns at once if any came after `seq` (no wake-up is lost between a read
 * and the wait that follows it), else at the next one or after `timeoutMs`.
 */
export interface ChangeSignal {
  seq(): number;
  wait(since: number, timeoutMs: number, abort: AbortSignal): Promise<void>;
}

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
  /** After a wake-up, wait this long before reading, so one read takes a burst of appends. */
  coalesceMs = 0,
): Subscription {
  const stop = new AbortController();
  let last = afterPosition;
  async function* run(): AsyncGenerator<RecordedEvent> {
    while (!stop.signal.aborted) {
      const seen = waitForChange.seq();
      for await (const event of readAll(last)) {
        if (stop.signal.aborted) return;
        last = event.position;
        yield event;
      }
      await waitForChange.wait(seen, pollMs, stop.signal);
      if (coalesceMs > 0 && !stop.signal.aborted) await new Promise((r) => setTimeout(r, coalesceMs));
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
export function localChangeSignal(): ChangeSignal & { notify(): void } {
  const waiters = new Set<() => void>();
  let counter = 0;
  const notify = () => {
    counter += 1;
    for (const w of [...waiters]) w();
  };
  const wait = (since: number, timeoutMs: number, abort: AbortSignal) =>
    new Promise<void>((resolve) => {
      if (counter !== since || abort.aborted) return resolve();
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
  return { notify, wait, seq: () => counter };
}

/**
 * A change signal shared by the threads of this process that open the same log: an append in
 * one (the serving thread) wakes the subscriptions of another (the projection worker) at once,
 * not at its next poll. Messages on a BroadcastChannel reach the other channels of that name
 * in every thread; none is delivered back to the sender. Every signal hears the others;
 * only those with `tellOthers` post their own notifications.
 */
export function processChangeSignal(name: string, tellOthers: boolean): ChangeSignal & { notify(): void; close(): void } {
  const local = localChangeSignal();
  const channel = new BroadcastChannel(name);
  // a subscription's poll timer already keeps a follower alive; the channel must never do it alone
  channel.unref();
  channel.onmessage = () => local.notify();
  return {
    seq: local.seq,
    wait: local.wait,
    notify() {
      local.notify();
      // a message per commit is work on the append path: only when a thread of ours listens
      if (tellOthers) channel.postMessage(null);
    },
    close: () => channel.close(),
  };
}
