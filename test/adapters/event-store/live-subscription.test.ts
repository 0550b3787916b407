import { Worker } from 'node:worker_threads';
import { localChangeSignal, processChangeSignal } from '../../../adapters/event-store/live-subscription';

/** Long enough that only a notification, never the timeout, can end a wait within the test's time. */
const NEVER_MS = 60_000;

describe('change signals', () => {
  test('a local signal wakes a waiter at once, and a notification before the wait is not lost', async () => {
    const signal = localChangeSignal();
    const abort = new AbortController();
    const seen = signal.seq();
    const waiting = signal.wait(seen, NEVER_MS, abort.signal);
    signal.notify();
    await waiting;
    expect(signal.seq()).toBe(seen + 1);
    // notified between reading seq and waiting: the wait returns without sleeping
    signal.notify();
    await signal.wait(seen + 1, NEVER_MS, abort.signal);
    expect(signal.seq()).toBe(seen + 2);
  });

  test('a process signal wakes the waiters of another thread that opened the same name, and only those', async () => {
    const name = `test-signal-${process.pid}-${Date.now()}`;
    const here = processChangeSignal(name, false);
    const other = processChangeSignal(`${name}-other`, false);
    const abort = new AbortController();
    try {
      const seen = here.seq();
      const waiting = here.wait(seen, NEVER_MS, abort.signal);
      // a thread of its own, as the serving thread is to the projection thread
      const worker = new Worker(
        `const { BroadcastChannel } = require('node:worker_threads');
         const c = new BroadcastChannel(${JSON.stringify(name)});
         c.postMessage(null);
         c.close();`,
        { eval: true },
      );
      await waiting;
      await new Promise((r) => worker.once('exit', r));
      expect(here.seq()).toBe(seen + 1);
      expect(other.seq()).toBe(0);
    } finally {
      abort.abort();
      here.close();
      other.close();
    }
  });

  test('notify tells this thread and, when asked to, the others', async () => {
    const name = `test-signal-both-${process.pid}-${Date.now()}`;
    const a = processChangeSignal(name, true);
    const b = processChangeSignal(name, false);
    const abort = new AbortController();
    try {
      const waiting = b.wait(b.seq(), NEVER_MS, abort.signal);
      a.notify();
      expect(a.seq()).toBe(1);
      await waiting;
      expect(b.seq()).toBe(1);
      // b keeps its notifications to itself: a hears nothing more
      b.notify();
      expect(b.seq()).toBe(2);
      await new Promise((r) => setTimeout(r, 50));
      expect(a.seq()).toBe(1);
    } finally {
      a.close();
      b.close();
    }
  });
});
