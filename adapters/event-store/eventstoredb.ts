import {
  END,
  FORWARDS,
  BACKWARDS,
  NO_STREAM,
  START,
  EventStoreDBClient,
  StreamNotFoundError,
  WrongExpectedVersionError as EsdbWrongVersion,
  jsonEvent,
  type AllStreamResolvedEvent,
  type ResolvedEvent,
} from '@eventstore/db-client';
import {
  EventStoreUnavailableError,
  WrongExpectedVersionError,
  type AppendResult,
  type EventStore,
  type ExpectedVersion,
  type Subscription,
} from '../../core/event-store';
import type { EventToAppend, RecordedEvent } from '../../core/events/envelope';
import type { JsonObject } from '../../core/json';
import { checkExpected, dedupOutcome, validateBatch, validateExpected, type StoredId } from './append-rules';
import { liveSubscription, localChangeSignal } from './live-subscription';

export interface EventStoreDbOptions {
  /** `esdb://host:2113?tls=false`, or `esdb+discover://` for a cluster. */
  readonly url: string;
  readonly pollMs?: number;
  /**
   * Keeps this engine's streams apart from others on the same cluster: every stream name gets
   * the prefix and readAll/subscribe/head see only those streams (tests use one per test).
   */
  readonly streamPrefix?: string;
}

interface StoredMeta {
  readonly trunkline: { readonly schemaVersion: number; readonly recordedAt: string };
  readonly metadata: RecordedEvent['metadata'];
}

/**
 * Our number for an event's place in $all is its prepare position: unique per event and, for
 * appends made over gRPC (never interleaved transactions), increasing in $all order. Commit
 * positions are shared by the events of one append, so they cannot tell them apart.
 */
function toEvent(resolved: ResolvedEvent | AllStreamResolvedEvent, prefix: string): RecordedEvent | null {
  const e = resolved.event;
  if (!e || e.type.startsWith('$') || !e.streamId.startsWith(prefix) || e.streamId.startsWith('$')) return null;
  const meta = (e.metadata ?? {}) as unknown as Partial<StoredMeta>;
  const position = e.position?.prepare ?? resolved.commitPosition ?? 0n;
  return {
    id: e.id,
    type: e.type,
    schemaVersion: meta.trunkline?.schemaVersion ?? 1,
    data: e.data as JsonObject,
    metadata: meta.metadata ?? {},
    stream: e.streamId.slice(prefix.length),
    version: Number(e.revision),
    position: Number(position),
    recordedAt: meta.trunkline?.recordedAt ?? e.created.toISOString(),
  };
}

/**
 * EventStoreDB / KurrentDB. Its own id dedup only covers a retry at the same expected revision,
 * so before each append we read the stream's ids and apply the shared idempotency rule, then
 * append at the exact revision we read: the check and the write cannot be split by another writer.
 * An id reused in another stream is not detected here (EventStoreDB has no index by event id).
 */
export function eventStoreDbEventStore(options: EventStoreDbOptions, now: () => Date = () => new Date()): EventStore {
  const client = EventStoreDBClient.connectionString(options.url);
  const change = localChangeSignal();
  const prefix = options.streamPrefix ?? '';

  async function streamIds(stream: string): Promise<{ ids: Map<string, StoredId>; version: number | null }> {
    const ids = new Map<string, StoredId>();
    let version: number | null = null;
    try {
      for await (const r of client.readStream(prefix + stream, { direction: FORWARDS, fromRevision: START })) {
        const e = toEvent(r, prefix);
        if (!e) continue;
        ids.set(e.id, { id: e.id, stream, version: e.version, position: e.position });
        version = e.version;
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    return { ids, version };
  }

  async function appendOnce(stream: string, events: readonly EventToAppend[], expected: ExpectedVersion): Promise<AppendResult> {
    const { ids, version } = await streamIds(stream);
    const replay = dedupOutcome(stream, events, (id) => ids.get(id));
    if (replay) return replay;
    checkExpected(stream, expected, version);
    const recordedAt = now().toISOString();
    const result = await client.appendToStream(
      prefix + stream,
      events.map((e) =>
        jsonEvent({
          id: e.id,
          type: e.type,
          data: e.data,
          metadata: { trunkline: { schemaVersion: e.schemaVersion, recordedAt }, metadata: e.metadata },
        }),
      ),
      { expectedRevision: version === null ? NO_STREAM : BigInt(version) },
    );
    change.notify();
    return {
      nextVersion: Number(result.nextExpectedRevision),
      position: Number(result.position?.prepare ?? 0n),
      deduplicated: false,
    };
  }

  async function* readAll(after = 0, batchSize = 1000): AsyncGenerator<RecordedEvent> {
    const from = after === 0 ? START : { commit: BigInt(after), prepare: BigInt(after) };
    for await (const r of client.readAll({ fromPosition: from, direction: FORWARDS, maxCount: Number.MAX_SAFE_INTEGER })) {
      const e = toEvent(r, prefix);
      if (e && e.position > after) yield e;
    }
    void batchSize; // the gRPC stream pages by itself
  }

  return {
    description: `eventstoredb:${options.url.replace(/\/\/[^@]*@/, '//')}`,
    async append(stream, events, expected) {
      validateBatch(stream, events);
      validateExpected(expected);
      // 'any' and 'exists' must not fail because another writer slipped in between read and write
      for (let attempt = 0; ; attempt++) {
        try {
          return await appendOnce(stream, events, expected);
        } catch (error) {
          if (!(error instanceof EsdbWrongVersion)) throw error;
          if (typeof expected === 'number' || expected === 'no-stream' || attempt >= 10) {
            const actual = error.actualVersion;
            throw new WrongExpectedVersionError(stream, expected, typeof actual === 'bigint' ? Number(actual) : null);
          }
        }
      }
    },
    async *readStream(stream, fromVersion = 0) {
      try {
        for await (const r of client.readStream(prefix + stream, { direction: FORWARDS, fromRevision: BigInt(fromVersion) })) {
          const e = toEvent(r, prefix);
          if (e) yield e;
        }
      } catch (error) {
        if (!(error instanceof StreamNotFoundError)) throw error;
      }
    },
    readAll,
    subscribe(afterPosition = 0): Subscription {
      // catch-up subscriptions in this client do not resubscribe after an error; polling
      // readAll from our last position does, and keeps one code path for every backend
      return liveSubscription((after) => readAll(after), change, afterPosition, options.pollMs ?? 250);
    },
    async head() {
      try {
        for await (const r of client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 100_000 })) {
          const e = toEvent(r, prefix);
          if (e) return e.position;
        }
        return 0;
      } catch (error) {
        throw new EventStoreUnavailableError(`eventstoredb: ${(error as Error).message}`);
      }
    },
    async close() {
      change.notify();
      await client.dispose();
    },
  };
}
