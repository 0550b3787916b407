import type { EventToAppend, RecordedEvent } from './events/envelope';

/**
 * What the caller expects of the stream before the append:
 * `no-stream` (it has no event), `exists` (it has at least one), `any`, or the exact version
 * of its last event.
 */
export type ExpectedVersion = 'no-stream' | 'exists' | 'any' | number;

export interface AppendResult {
  /** The stream's version after the append: pass it as `expected` for the next one. */
  readonly nextVersion: number;
  /** Global position of the last event of the batch. */
  readonly position: number;
  /** True when every event was already stored: nothing was written, the first answer is repeated. */
  readonly deduplicated: boolean;
}

export class WrongExpectedVersionError extends Error {
  override readonly name = 'WrongExpectedVersionError';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedVersion,
    /** The stream's version, or null when it has no event. */
    readonly actual: number | null,
  ) {
    super(`stream ${stream}: expected version ${String(expected)}, found ${actual === null ? 'no stream' : actual}`);
  }
}

/**
 * A batch mixes events already stored with new ones, or reuses an id stored in another stream:
 * both mean two different facts were given one id, which must never pass silently.
 */
export class EventIdConflictError extends Error {
  override readonly name = 'EventIdConflictError';
  constructor(
    readonly eventId: string,
    detail: string,
  ) {
    super(`event id ${eventId}: ${detail}`);
  }
}

export class EventStoreUnavailableError extends Error {
  override readonly name = 'EventStoreUnavailableError';
}

/** A live feed of the log: catches up from a position, then follows new events in commit order. */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

export interface EventStore {
  /** What the backend is, for logs and status (`sqlite:/data/events.sqlite`). */
  readonly description: string;

  /**
   * Appends a batch atomically. Idempotent by event id: when every event of the batch is stored
   * already (in this stream), nothing is written and the answer is the one the first append gave.
   */
  append(stream: string, events: readonly EventToAppend[], expected: ExpectedVersion): Promise<AppendResult>;

  /** The stream's events from `fromVersion` (inclusive, default 0); empty for an unknown stream. */
  readStream(stream: string, fromVersion?: number): AsyncIterable<RecordedEvent>;

  /** Every event with position > `afterPosition` (default 0), in commit order, read in batches. */
  readAll(afterPosition?: number, batchSize?: number): AsyncIterable<RecordedEvent>;

  /** readAll from `afterPosition`, then each new event as it commits; no gap, no reordering. */
  subscribe(afterPosition?: number): Subscription;

  /** Position of the last event (0 when empty). */
  head(): Promise<number>;

  close(): Promise<void>;
}

export function describeExpected(expected: ExpectedVersion): string {
  return typeof expected === 'number' ? `version ${expected}` : expected;
}
