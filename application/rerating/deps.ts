import type { Clock } from '../../core/clock';
import type { EventStore } from '../../core/event-store';
import type { IdGenerator } from '../../core/ids';
import type { RatingService } from '../rating/service';

export interface RerateDeps {
  readonly store: EventStore;
  readonly ids: IdGenerator;
  readonly rating: RatingService;
  /** Which accounts a run must look at (the finance projection knows the day each call ended). */
  readonly candidates: RerateCandidates;
  readonly clock: Clock;
  /** Places a charge is rounded up to, as when the call was charged (config chargeDecimals). */
  readonly chargeDecimals: number;
}

/** Accounts that may hold calls of a period, and accounts a rerating run corrected. */
export interface RerateCandidates {
  /** Numbers with calls that ended from `fromDay` to `toDay` (YYYY-MM-DD, inclusive), in order. */
  withCallsEnded(fromDay: string, toDay: string): Promise<string[]>;
  /** Numbers with corrections recorded by the run `runId`, in order. */
  correctedBy(runId: string): Promise<string[]>;
}

export type Progress = (done: number, total: number) => void;
