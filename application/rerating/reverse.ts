import { runOnAccount } from './account-run';
import type { Progress, RerateDeps } from './deps';
import { summarize, type CallRerated, type RerateReport } from './report';

export function rerateReversal(deps: RerateDeps) {
  return {
    /** Puts back what each call was charged before `runId`, where that run is still its last correction. */
    async reverse(o: { runId: string; dryRun: boolean; onProgress?: Progress }): Promise<RerateReport> {
      const at = deps.clock.now().toISOString();
      const numbers = await deps.candidates.correctedBy(o.runId);
      const decided = new Map<string, CallRerated[]>();
      for (const [i, number] of numbers.entries()) {
        decided.set(number, await runOnAccount(deps, number, () => ({ type: 'reverse', data: { runId: o.runId, at } }), o.dryRun));
        o.onProgress?.(i + 1, numbers.length);
      }
      return summarize(`reverse:${o.runId}`, 'reverse', o.dryRun, decided, { unrated: 0, otherCurrency: 0 });
    },
  };
}
