import { deriveId } from '../core/ids';
import type { Engine } from '../adapters/runtime/engine';
import { seeded } from '../test/support/random';
import { fmt } from './report';

export const ACCOUNTS = 1000;
export const PER_APPEND = 250; // calls per append (500 events)
const CARRIERS = ['alpha', 'beta', 'gamma'];
const DESTINATIONS = Array.from({ length: 40 }, (_, i) => ({
  number: `+4420794${String(60000 + i).padStart(5, '0')}`,
  prefix: `4420${i % 10}`,
}));

/**
 * A month (December 2026) of `calls` charged calls written straight to the log: CallCharged and
 * CarrierCostRecorded each, on ACCOUNTS accounts, 3 carriers, 40 destinations, PER_APPEND calls
 * an append. Seeded: every run writes the same month. Returns the events written.
 */
export async function writeMonth(engine: Engine, calls: number): Promise<number> {
  const r = seeded(11);
  const month = Date.UTC(2026, 11, 1);
  let written = 0;
  for (let c = 0; c < calls; c += PER_APPEND) {
    const account = (c / PER_APPEND) % ACCOUNTS;
    const number = `+4420794${String(70000 + account).padStart(5, '0')}`;
    const events = [];
    for (let i = c; i < Math.min(calls, c + PER_APPEND); i++) {
      const d = DESTINATIONS[r.int(0, DESTINATIONS.length - 1)]!;
      const seconds = r.int(1, 600);
      const billed = Math.ceil(seconds / 6) * 6;
      const ended = new Date(month + Math.floor((i / calls) * 30 * 86_400_000)).toISOString();
      const amount = ((billed * 0.12) / 60).toFixed(6).replace(/\.?0+$/, '');
      const cost = ((billed * 0.05) / 60).toFixed(9).replace(/\.?0+$/, '');
      const base = { accountId: `acct-${account}`, callId: `call-${i}` };
      events.push(
        {
          id: deriveId('bench-charged', String(i)),
          type: 'CallCharged',
          schemaVersion: 1,
          metadata: {},
          data: {
            ...base,
            origin: 'k',
            destination: d.number,
            route: 'pstn',
            seconds,
            billedSeconds: billed,
            amount,
            currency: 'EUR',
            fromGrants: [],
            fromPaid: amount,
            answeredAt: ended,
            endedAt: ended,
          },
        },
        {
          id: deriveId('bench-cost', String(i)),
          type: 'CarrierCostRecorded',
          schemaVersion: 1,
          metadata: {},
          data: { ...base, carrierId: CARRIERS[i % 3]!, prefix: d.prefix, rate: '0.05', billedSeconds: billed, cost, currency: 'EUR' },
        },
      );
    }
    await engine.store.append(`account-${number}`, events, 'any');
    written += events.length;
    if ((c / PER_APPEND) % 400 === 0) process.stderr.write(`writing the month: ${fmt(written / 2)} / ${fmt(calls)} calls\r`);
  }
  return written;
}
