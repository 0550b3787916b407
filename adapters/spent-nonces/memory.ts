import { SpentNoncesUnavailableError, type SpentNonces } from '../../application/ports/spent-nonces';

/**
 * For the memory store (tests, trials): forgotten on restart like the log itself. A nonce is never
 * dropped inside its window; past `max` live entries new ones are refused instead.
 */
export function memorySpentNonces(max = 1_000_000): SpentNonces & { readonly size: number } {
  const spent = new Map<string, number>();
  let nextSweep = 0;
  const sweep = (nowMs: number) => {
    for (const [key, expiresAt] of spent) if (expiresAt <= nowMs) spent.delete(key);
    nextSweep = nowMs + 10_000;
  };
  return {
    async spend(key, expiresAtMs, nowMs) {
      if (nowMs >= nextSweep || spent.size >= max) sweep(nowMs);
      const until = spent.get(key);
      if (until !== undefined && until > nowMs) return false;
      if (spent.size >= max) throw new SpentNoncesUnavailableError(`${max} nonces are live: refusing more until some expire`);
      spent.set(key, expiresAtMs);
      return true;
    },
    async close() {
      spent.clear();
    },
    get size() {
      return spent.size;
    },
  };
}
