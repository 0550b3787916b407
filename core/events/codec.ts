import type { z } from 'zod';
import type { JsonObject } from '../json';
import type { EventToAppend, RecordedEvent } from './envelope';

/** A domain event as deciders see it: a type tag and its data; `id` only when an outside fact fixes it. */
export interface DomainEvent<T extends string = string, D extends JsonObject = JsonObject> {
  readonly type: T;
  readonly data: D;
  readonly id?: string;
}

/** Turns the data of schema version v into version v + 1. */
export type Upcaster = (data: JsonObject) => JsonObject;

export interface EventDefinition<D extends JsonObject> {
  /** The version `data` is written in now. */
  readonly schemaVersion: number;
  /** Validates the current shape; what reaches a decider or projection has passed it. */
  readonly schema: z.ZodType<D>;
  /** `upcasters[v]` lifts version v to v + 1, for every v below schemaVersion. */
  readonly upcasters?: Readonly<Record<number, Upcaster>>;
}

export type EventDefinitions = { readonly [type: string]: EventDefinition<JsonObject> };

/** The typed union of the events a set of definitions describes. */
export type EventsOf<Defs extends EventDefinitions> = {
  [T in keyof Defs & string]: DomainEvent<T, Defs[T] extends EventDefinition<infer D> ? D : never>;
}[keyof Defs & string];

export class UnknownEventError extends Error {
  override readonly name = 'UnknownEventError';
}

/**
 * An event that must not be appended: of no known type, in another schema version than the
 * current one, or with data its schema refuses. Nothing of its batch is written.
 */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
  constructor(
    readonly eventId: string,
    readonly eventType: string,
    readonly reason: string,
  ) {
    super(`event ${eventId} (${eventType}) is not valid: ${reason}`);
  }
}

export interface EventCodec<E extends DomainEvent> {
  readonly types: ReadonlySet<string>;
  schemaVersionOf(type: E['type']): number;
  /** Upcasts a stored event to the current shape of its type and validates it. */
  decode(event: Pick<RecordedEvent, 'type' | 'schemaVersion' | 'data' | 'id'>): E;
  /** The append-side check: throws InvalidEventError unless the event is of a known type, in its current version, valid. */
  validate(event: Pick<EventToAppend, 'type' | 'schemaVersion' | 'data' | 'id'>): void;
}

export function eventCodec<Defs extends EventDefinitions>(definitions: Defs): EventCodec<EventsOf<Defs>> {
  for (const [type, def] of Object.entries(definitions)) {
    for (let v = 1; v < def.schemaVersion; v++) {
      if (!def.upcasters?.[v]) throw new Error(`event ${type}: no upcaster from schema version ${v} to ${v + 1}`);
    }
  }
  const definitionOf = (type: string): EventDefinition<JsonObject> => {
    // own properties only: a stored type `constructor` must be unknown, not Object's
    const def = Object.hasOwn(definitions, type) ? definitions[type] : undefined;
    if (!def) throw new UnknownEventError(`unknown event type ${type}`);
    return def;
  };
  /**
   * What a stored event decoded to, kept on the event under this codec's own symbol: a shared
   * pass hands the same event object to every projection, and validating it once instead of
   * once per projection is a large share of a rebuild. Not in a WeakMap: its entries cost every
   * collection, and a rebuild of the bench log's 250,000 events (bench/rebuild-all-child.ts)
   * took 8–10 % longer with one. Nor in a ring of slots keyed by log position: faster in a loop
   * of its own, yet finance's rebuild of that log took about 7 % longer (median of six
   * alternated rounds), the ring keeping thousands of events alive past the young generation.
   * Not enumerable, so a copy of the event (`{ ...event, data }`) does not carry the answer for
   * the original's data, and the event compares and serializes as before.
   */
  const decoded = Symbol('decoded');
  type Remembering = { [decoded]?: EventsOf<Defs> };
  return {
    types: new Set(Object.keys(definitions)),
    schemaVersionOf: (type) => definitionOf(type).schemaVersion,
    decode(event) {
      const known = (event as Remembering)[decoded];
      if (known) return known;
      const def = definitionOf(event.type);
      if (event.schemaVersion > def.schemaVersion) {
        throw new UnknownEventError(
          `event ${event.id} (${event.type}) has schema version ${event.schemaVersion}, newer than this engine's ${def.schemaVersion}`,
        );
      }
      let data = event.data;
      for (let v = event.schemaVersion; v < def.schemaVersion; v++) data = def.upcasters![v]!(data);
      const parsed = def.schema.safeParse(data);
      if (!parsed.success) {
        throw new UnknownEventError(`event ${event.id} (${event.type}) does not match its schema: ${parsed.error.message}`);
      }
      const result = { type: event.type, data: parsed.data, id: event.id } as EventsOf<Defs>;
      // a frozen event cannot keep it: it is validated on every read instead
      if (Object.isExtensible(event)) Object.defineProperty(event, decoded, { value: result });
      return result;
    },
    validate(event) {
      if (!Object.hasOwn(definitions, event.type)) throw new InvalidEventError(event.id, event.type, 'unknown event type');
      const def = definitionOf(event.type);
      // writers write the current shape: an older one would be upcast on every read for ever
      if (event.schemaVersion !== def.schemaVersion) {
        throw new InvalidEventError(event.id, event.type, `schema version ${event.schemaVersion}, not the current ${def.schemaVersion}`);
      }
      const parsed = def.schema.safeParse(event.data);
      if (!parsed.success) throw new InvalidEventError(event.id, event.type, describeIssues(parsed.error));
    },
  };
}

/** Zod's issues as one line: `amount: must be > 0; status: invalid option`. */
function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'data'}: ${i.message}`).join('; ');
}
