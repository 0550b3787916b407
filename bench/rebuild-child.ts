/** Rebuilds the catalogue over a data directory in a fresh process; prints one JSON line with the figures. */
import { readFileSync } from 'node:fs';
import { sqliteEventStore } from '../adapters/event-store/sqlite';
import { sqliteReadModelStore } from '../adapters/read-models/sqlite';
import { systemClock } from '../core/clock';
import { catalogueProjection } from '../projections/catalogue/projection';
import { projectionRunner } from '../projections/runner';

const peakRssMiB = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;

async function main(): Promise<void> {
  const dir = process.argv[2]!;
  const store = sqliteEventStore({ path: `${dir}/events.sqlite` });
  const readModels = sqliteReadModelStore(`${dir}/read-models.sqlite`);
  const runner = projectionRunner({ store, readModels, projections: [catalogueProjection], clock: systemClock, batchSize: 1000 });
  const baseline = peakRssMiB();
  const started = process.hrtime.bigint();
  let applied = 0;
  await runner.rebuild('catalogue', (p) => {
    applied = p.applied;
    if (applied % 100_000 === 0 && applied > 0) process.stderr.write(`  rebuild: ${applied} events\n`);
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(
    `${JSON.stringify({ events: applied, seconds, perSecond: applied / seconds, baselineMiB: baseline, peakMiB: peakRssMiB() })}\n`,
  );
  await readModels.close();
  await store.close();
}

void main();
