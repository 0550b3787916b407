/**
 * Rebuilds over a data directory in a fresh process, so its peak RSS is the rebuild's alone:
 * `rebuild-all-child.ts <dir> [projection[,projection…]]` rebuilds those projections, or every
 * projection of the engine, in one pass; prints one JSON line with the figures.
 */
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { loadConfig } from '../adapters/runtime/config';
import { createEngine } from '../adapters/runtime/engine';

const peakRssMiB = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;

async function main(): Promise<void> {
  const [dir, only] = process.argv.slice(2) as [string, string | undefined];
  const engine = await createEngine(loadConfig({ env: {}, flags: { dataDir: dir }, cwd: dir }), { logger: pino({ level: 'silent' }) });
  try {
    const baseline = peakRssMiB();
    const started = process.hrtime.bigint();
    let events = 0;
    const outcomes = await engine.runner.rebuildTogether(
      only ? only.split(',') : engine.runner.names(),
      (p) => (events = Math.max(events, p.applied)),
    );
    const failed = outcomes.filter((o) => 'error' in o);
    if (failed.length > 0) throw new Error(`not rebuilt: ${failed.map((o) => o.name).join(', ')}`);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    process.stdout.write(
      `${JSON.stringify({ events, seconds, perSecond: events / seconds, baselineMiB: baseline, peakMiB: peakRssMiB() })}\n`,
    );
  } finally {
    await engine.close();
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`rebuild-all-child: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
