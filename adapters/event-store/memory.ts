import type { AppendResult, EventStore, ExpectedVersion, Subscription } from '../../core/event-store';
import type { EventToAppend, RecordedEvent } from '../../core/events/envelope';
import { systemClock, type Clock } from '../../core/clock';
import { checkExpected, dedupOutcome, validateBatch, validateExpected, type StoredId } from './append-rules';
import { liveSubscription, localChangeSignal } from './live-subscription';

/** The event store for unit tests: the whole contract, held in arrays. */
export function memoryEventStore(clock: Clock = systemClock): EventStore {
  const log: RecordedEvent[] = [];
  const streams = new Map<string, RecordedEvent[]>();
  const byId = new Map<string, StoredId>();
  const change = localChangeSignal();
  let closed = false;

  function open(): void {
    if (closed) throw new Error('the memory event store is closed');
  }

  async function* readAll(after = 0, batchSize = 1000): AsyncGenerator<RecordedEvent> {
    open();
    // positions are 1-based and gap-free, so the index of position p is p - 1
    for (let i = Math.max(0, after); i < log.length; i += batchSize) {
      const batch = log.slice(i, i + batchSize);
      for (const e of batch) yield e;
    }
  }

  return {
    description: 'memory',
    async append(stream: string, events: readonly EventToAppend[], expected: ExpectedVersion): Promise<AppendResult> {
      open();
      validateBatch(stream, events);
      validateExpected(expected);
      const replay = dedupOutcome(stream, events, (id) => byId.get(id));
      if (replay) return replay;
      const existing = streams.get(stream) ?? [];
      checkExpected(stream, expected, existing.length === 0 ? null : existing.length - 1);
      const recordedAt = clock.now().toISOString();
      const recorded = events.map((e, i) => ({
        ...structuredClone(e),
        stream,
        version: existing.length + i,
        position: log.length + i + 1,
        recordedAt,
      }));
      for (const r of recorded) {
        log.push(r);
        byId.set(r.id, { id: r.id, stream, version: r.version, position: r.position });
      }
      streams.set(stream, [...existing, ...recorded]);
      change.notify();
      const last = recorded[recorded.length - 1]!;
      return { nextVersion: last.version, position: last.position, deduplicated: false };
    },
    async *readStream(stream: string, fromVersion = 0) {
      open();
      for (const e of (streams.get(stream) ?? []).slice(fromVersion)) yield e;
    },
    readAll,
    subscribe(afterPosition = 0): Subscription {
      open();
      return liveSubscription((after) => readAll(after), change, afterPosition, 1000);
    },
    async head() {
      open();
      return log.length;
    },
    async close() {
      closed = true;
      change.notify();
    },
  };
}
