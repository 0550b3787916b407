import type { RerateCandidates } from '../../application/rerating/service';
import type { ReadModelStore } from '../../application/ports/read-model-store';

/** Rerating's candidates, read from the finance projection's traffic rows. */
export function rerateCandidates(readModels: ReadModelStore): RerateCandidates {
  const numbers = async (sql: string, params: readonly string[]) =>
    (await readModels.query<{ number: string }>(sql, params)).map((r) => r.number);
  return {
    withCallsEnded: (fromDay, toDay) =>
      numbers(`SELECT DISTINCT number FROM finance_traffic WHERE kind = 'call' AND day >= ? AND day <= ? ORDER BY number`, [
        fromDay,
        toDay,
      ]),
    correctedBy: (runId) =>
      numbers(`SELECT DISTINCT number FROM finance_traffic WHERE kind = 'rerate' AND run_id = ? ORDER BY number`, [runId]),
  };
}
