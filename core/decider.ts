import type { DomainEvent } from './events/codec';

/**
 * An aggregate as three pure functions. `decide` throws a `DomainError` to refuse a command;
 * it returns no events when the command changes nothing (an idempotent repeat, say).
 */
export interface Decider<Command, Event extends DomainEvent, State> {
  readonly initialState: State;
  decide(command: Command, state: State): readonly Event[];
  evolve(state: State, event: Event): State;
  /**
   * The event types `evolve` reacts to, when it ignores others: the command handler then skips
   * decoding the rest (a deck's row chunks, say), which is most of a long stream's bytes.
   */
  readonly evolvesOn?: readonly Event['type'][];
}

/** A command refused by the domain's rules (not a fault): maps to a 4xx, changes nothing. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    /** Stable machine-readable kind, e.g. `insufficient-credit`. */
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, string | number>> = {},
  ) {
    super(message);
  }
}

export function fold<Event extends DomainEvent, State>(
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  events: Iterable<Event>,
): State {
  let state = decider.initialState;
  for (const e of events) state = decider.evolve(state, e);
  return state;
}
