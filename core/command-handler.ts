import type { Decider } from './decider';
import type { DomainEvent, EventCodec } from './events/codec';
import type { EventMetadata, EventToAppend } from './events/envelope';
import { WrongExpectedVersionError, type EventStore } from './event-store';
import type { IdGenerator } from './ids';
import type { StateCache } from './state-cache';

export interface CommandHandlerDeps<E extends DomainEvent> {
  readonly store: EventStore;
  readonly ids: IdGenerator;
  readonly codec: EventCodec<E>;
}

/** Optional: a cache of this decider's states, so long streams are not folded from the start each time. */
export interface CachedDeps<S> {
  readonly cache?: StateCache<S>;
}

export interface CommandResult<E extends DomainEvent, S> {
  /** The events this command recorded (empty when it changed nothing). */
  readonly events: readonly E[];
  readonly state: S;
  /** The stream's version after the command, null when the stream still has no event. */
  readonly version: number | null;
  /** Global position of the last event written (or stored already), null when nothing was. */
  readonly position: number | null;
  readonly deduplicated: boolean;
  readonly attempts: number;
}

export class ConcurrencyExhaustedError extends Error {
  override readonly name = 'ConcurrencyExhaustedError';
}

/** Folds a stream into the decider's state (decoding only the events it evolves on). */
export async function readState<C, E extends DomainEvent, S>(
  deps: Pick<CommandHandlerDeps<E>, 'store' | 'codec'> & CachedDeps<S>,
  decider: Decider<C, E, S>,
  stream: string,
): Promise<{ state: S; version: number | null }> {
  const cached = deps.cache?.get(stream);
  let state = cached ? cached.state : decider.initialState;
  let version: number | null = cached ? cached.version : null;
  const relevant = decider.evolvesOn ? new Set<string>(decider.evolvesOn) : null;
  for await (const recorded of deps.store.readStream(stream, version === null ? undefined : version + 1)) {
    if (!relevant || relevant.has(recorded.type)) state = decider.evolve(state, deps.codec.decode(recorded));
    version = recorded.version;
  }
  if (version !== null && version !== cached?.version) deps.cache?.set(stream, state, version);
  return { state, version };
}

/**
 * Read the stream, fold it, decide, append at the version read. When another writer got there
 * first the whole cycle runs again on the new state (at most `maxAttempts` times), so a decision
 * is always made on the state it is appended after.
 */
export function handleCommand<C, E extends DomainEvent, S>(
  deps: CommandHandlerDeps<E> & CachedDeps<S>,
  decider: Decider<C, E, S>,
  stream: string,
  command: C,
  options: { readonly metadata?: EventMetadata; readonly maxAttempts?: number } = {},
): Promise<CommandResult<E, S>> {
  return oneAtATime(deps.store, stream, () => runCommand(deps, decider, stream, command, options));
}

/**
 * Commands on one stream in this process run one after the other, each on the state the last
 * one left: many at once (200 webhooks for one account) would otherwise all decide on the same
 * state and all but one lose the append, again and again. Other streams are not held up, and
 * other processes are still fenced by the expected version.
 */
const tails = new WeakMap<EventStore, Map<string, Promise<unknown>>>();
function oneAtATime<T>(store: EventStore, stream: string, run: () => Promise<T>): Promise<T> {
  let byStream = tails.get(store);
  if (!byStream) tails.set(store, (byStream = new Map()));
  const before = byStream.get(stream);
  const mine = before ? before.then(run, run) : run();
  const tail = mine.catch(() => undefined);
  byStream.set(stream, tail);
  void tail.then(() => {
    if (byStream.get(stream) === tail) byStream.delete(stream);
  });
  return mine;
}

async function runCommand<C, E extends DomainEvent, S>(
  deps: CommandHandlerDeps<E> & CachedDeps<S>,
  decider: Decider<C, E, S>,
  stream: string,
  command: C,
  options: { readonly metadata?: EventMetadata; readonly maxAttempts?: number },
): Promise<CommandResult<E, S>> {
  const maxAttempts = options.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    // First try on the cached state without reading: the append at its version is the check (a
    // newer stream refuses it and the cycle runs again on a fresh read). A refusal, a no-op or a
    // replay seen on the unread cache is decided again on a fresh read before it is answered.
    const cached = attempt === 1 ? deps.cache?.get(stream) : undefined;
    let { state, version } = cached ?? (await readState(deps, decider, stream));
    let events: readonly E[];
    try {
      events = decider.decide(command, state);
    } catch (error) {
      if (!cached) throw error;
      ({ state, version } = await readState(deps, decider, stream));
      events = decider.decide(command, state);
    }
    if (events.length === 0 && cached) {
      ({ state, version } = await readState(deps, decider, stream));
      events = decider.decide(command, state);
    }
    if (events.length === 0) {
      return { events, state, version, position: null, deduplicated: false, attempts: attempt };
    }
    const toAppend: EventToAppend[] = events.map((e) => ({
      id: e.id ?? deps.ids.next(),
      type: e.type,
      schemaVersion: deps.codec.schemaVersionOf(e.type),
      data: e.data,
      metadata: options.metadata ?? {},
    }));
    // a decider that produced an invalid event (money below zero, an unknown status) records nothing
    for (const e of toAppend) deps.codec.validate(e);
    try {
      const result = await deps.store.append(stream, toAppend, version === null ? 'no-stream' : version);
      // a replay answered from a cached state: the state returned must be the stream's, read
      if (result.deduplicated && cached) ({ state, version } = await readState(deps, decider, stream));
      const next = result.deduplicated ? state : events.reduce(decider.evolve, state);
      if (!result.deduplicated) deps.cache?.set(stream, next, result.nextVersion);
      return {
        events: result.deduplicated ? [] : events,
        state: next,
        version: result.deduplicated ? version : result.nextVersion,
        position: result.position,
        deduplicated: result.deduplicated,
        attempts: attempt,
      };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError) || attempt >= maxAttempts) {
        if (error instanceof WrongExpectedVersionError) {
          throw new ConcurrencyExhaustedError(`${stream}: still contended after ${attempt} attempts`);
        }
        throw error;
      }
      // another process wrote first: wait a little, at random, so that two nodes taking turns on
      // one stream do not collide again in lockstep (within a process commands are queued already)
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(64, 2 ** attempt)));
    }
  }
}
