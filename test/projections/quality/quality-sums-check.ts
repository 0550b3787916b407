import type { ReadModelStore } from '../../../application/ports/read-model-store';

/** Whatever the batches: every attempt counted was answered or has a cause, and some calls answered. */
export async function expectAttemptsAnsweredOrCaused(rm: ReadModelStore): Promise<void> {
  const [b] = await rm.query<{ attempts: number | string; answered: number | string }>(
    'SELECT SUM(attempts) AS attempts, SUM(answered) AS answered FROM quality_buckets',
  );
  const [c] = await rm.query<{ calls: number | string }>('SELECT SUM(calls) AS calls FROM quality_causes');
  expect(Number(b!.answered)).toBeGreaterThan(0);
  expect(Number(b!.attempts)).toBe(Number(b!.answered) + Number(c!.calls));
}
