import type { JsonObject } from '../json';

/** Who and what caused an event: kept with it so any figure can be traced to its cause. */
export interface EventMetadata {
  /** The request or outside fact the whole chain of events belongs to. */
  readonly correlationId?: string;
  /** The id of the event or command that directly caused this one. */
  readonly causationId?: string;
  /** Who asked: an account id, `system`, `stripe`, `cli:<user>`… */
  readonly actor?: string;
  readonly [extra: string]: string | undefined;
}

/** An event on its way into the store. */
export interface EventToAppend {
  /** UUIDv7 for a fresh decision, or `deriveId(...)` of the outside fact that caused it. */
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: JsonObject;
  readonly metadata: EventMetadata;
}

/** An event as the store holds it. */
export interface RecordedEvent extends EventToAppend {
  readonly stream: string;
  /** 0 for the first event of a stream, then +1 each. */
  readonly version: number;
  /** Global commit order, 1 for the first event in the store; strictly increasing. */
  readonly position: number;
  /** ISO-8601 UTC instant the store recorded it. */
  readonly recordedAt: string;
}
