import type { RerateDeps } from './deps';
import { rerating } from './rerate';
import { rerateReversal } from './reverse';

export type { Progress, RerateCandidates, RerateDeps } from './deps';
export type { RerateAccountLine, RerateReport } from './report';
export { instantOf } from './rerate';

/**
 * Rerating: past calls priced again on a corrected plan, recorded as `CallRerated` (the delta
 * against the charge now), never by changing what was recorded. Per account: read its stream,
 * price the calls that started in [from, to), decide, append at the version read (anything
 * appended meanwhile makes it decide again on the new state; a call charged meanwhile has no
 * price in the command and is left for the next run). A dry run decides the same
 * events and appends nothing. Applying a run again finds no difference, so records nothing.
 */
export function rerateService(deps: RerateDeps) {
  return {
    ...rerating(deps),
    ...rerateReversal(deps),
  };
}

export type RerateService = ReturnType<typeof rerateService>;
