import type { Decider } from '../../core/decider';
import { fold } from '../../core/decider';
import type { DomainEvent } from '../../core/events/codec';

type ErrorClass = abstract new (...args: never[]) => Error;
/** What a refusal must be: its class, a pattern its message matches, or a test of the error itself. */
export type Refusal = ErrorClass | RegExp | ((error: unknown) => boolean);

export interface Outcome<Event> {
  /** The events decided must equal these (asymmetric matchers allowed); returns them for further steps. */
  then(expected: readonly unknown[]): Event[];
  /** The command must be refused as described; each description given must hold. */
  thenThrows(...refusals: Refusal[]): void;
  /** The command must decide no events (an idempotent repeat, say). */
  thenNothingHappened(): void;
  /** The events decided, for assertions the sentence forms do not cover. */
  events(): Event[];
}

function refuses(run: () => unknown, refusals: readonly Refusal[]): void {
  let thrown: unknown = undefined;
  let threw = false;
  try {
    run();
  } catch (error) {
    thrown = error;
    threw = true;
  }
  if (!threw) throw new Error('expected the command to be refused, but it decided events');
  for (const r of refusals) {
    if (r instanceof RegExp) expect(thrown instanceof Error ? thrown.message : String(thrown)).toMatch(r);
    else if (r.prototype instanceof Error || r === Error) expect(thrown).toBeInstanceOf(r);
    else expect((r as (error: unknown) => boolean)(thrown)).toBe(true);
  }
}

/**
 * A decider's specification as a sentence: `given(events).when(command).then(events)`, or
 * `.thenThrows(DomainError, /closed/)`, or `.thenNothingHappened()`. The state is the fold of
 * the given events, as the command handler would build it.
 */
export function deciderSpec<Command, Event extends DomainEvent, State>(decider: Decider<Command, Event, State>) {
  return {
    given: (...histories: readonly (readonly Event[])[]) => {
      const history = histories.flat();
      return {
        when: (command: Command): Outcome<Event> => {
          const run = () => [...decider.decide(command, fold(decider, history))];
          return {
            then(expected) {
              const events = run();
              expect(events).toEqual(expected);
              return events;
            },
            thenThrows: (...refusals) => refuses(run, refusals),
            thenNothingHappened: () => expect(run()).toEqual([]),
            events: run,
          };
        },
      };
    },
  };
}
