import type { Route } from '../../core/rating/lcr';
import type { ReadModelStore } from './read-model-store';

/**
 * A routing policy: which of the routes least-cost routing kept to move after the others. It
 * can only demote: LCR's routes keep their cost order within the demoted and the other group,
 * and a route the margin guard dropped is never offered (core/rating/carrier-quality.ts
 * `demoteRoutes`). `demotes` runs for every route of every authorization: keep it a lookup.
 */
export interface RoutePolicy {
  readonly name: string;
  demotes(route: Route): boolean;
  /**
   * Reloads what it decides from the read models. A serving engine calls it from a job of the
   * plugin's; `trunkline rates lcr` once, after catching the projections up with the log.
   */
  refresh?(readModels: ReadModelStore): Promise<void>;
}
