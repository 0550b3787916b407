/**
 * npm run bench:wal — the SQLite WAL under sustained appends, with the engine's checkpoints
 * in a thread of their own (as the projection thread runs them), against the same checkpoints
 * without the restart (PASSIVE only, the baseline: what the engine did before). Alternated rounds
 * of BENCH_SECONDS (default 10) of appends one after the other, then of BENCH_PACED_SECONDS (30)
 * at BENCH_RATE appends/s (1000), each of one 500-byte event: the WAL's largest size, appends
 * per second, and each append's latency (p50, p99, max), the worst of which is a restart holding
 * the writer lock. Writes the "wal" section of docs/benchmarks.md.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RESTART_AT_FRAMES } from '../adapters/event-store/checkpoint-loop';
import { sqliteEventStore } from '../adapters/event-store/sqlite';
import { deriveId } from '../core/ids';
import { checkpointThread } from '../test/support/checkpoint-thread';
import { median } from './compare';
import { fmt, machine, percentile, writeSection } from './report';

const ROUNDS = Math.max(3, Number(process.env['BENCH_ROUNDS'] ?? 3));
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
/** The paced scenario: appends offered at this rate (a busy provider's authorizations and CDRs), for longer. */
const RATE = Number(process.env['BENCH_RATE'] ?? 1000);
const PACED_SECONDS = Number(process.env['BENCH_PACED_SECONDS'] ?? 30);

interface Run {
  readonly appends: number;
  readonly perSecond: number;
  readonly walMiB: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** `rate` 0: every append as soon as the last one is done; else appends started on a schedule of `rate` a second. */
async function run(restartAtFrames: number, tag: string, seconds: number, rate: number): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-bench-wal-'));
  const path = join(dir, 'events.sqlite');
  const store = sqliteEventStore({ path });
  const { thread } = await checkpointThread({ restartAtFrames });
  const data = { note: 'w'.repeat(500) };
  const latencies: number[] = [];
  let walBytes = 0;
  try {
    const started = performance.now();
    const end = started + seconds * 1000;
    for (let i = 0; performance.now() < end; i++) {
      if (rate > 0) {
        const due = started + (i * 1000) / rate;
        if (due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()));
      }
      // from its time on the schedule: an append held up by the one before waits for it too
      const t = rate > 0 ? Math.min(performance.now(), started + (i * 1000) / rate) : performance.now();
      await store.append(`s-${i % 50}`, [{ id: deriveId(tag, String(i)), type: 'Noted', schemaVersion: 1, data, metadata: {} }], 'any');
      latencies.push(performance.now() - t);
      if (i % 200 === 0) walBytes = Math.max(walBytes, statSync(`${path}-wal`).size);
    }
    const took = (performance.now() - started) / 1000;
    walBytes = Math.max(walBytes, statSync(`${path}-wal`).size);
    latencies.sort((a, b) => a - b);
    return {
      appends: latencies.length,
      perSecond: latencies.length / took,
      walMiB: walBytes / 2 ** 20,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      max: latencies[latencies.length - 1]!,
    };
  } finally {
    await store.close();
    await thread.terminate();
    rmSync(dir, { recursive: true, force: true });
  }
}

type Pair = { passive: Run; restart: Run };

async function scenario(name: string, seconds: number, rate: number): Promise<Pair[]> {
  const rounds: Pair[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const passive = await run(Number.MAX_SAFE_INTEGER, `${name}-passive-${round}`, seconds, rate);
    const restart = await run(RESTART_AT_FRAMES, `${name}-restart-${round}`, seconds, rate);
    rounds.push({ passive, restart });
    const line = (r: Run) =>
      `${fmt(r.appends)} appends (${fmt(r.perSecond)}/s), WAL ${fmt(r.walMiB)} MiB, p50 ${r.p50.toFixed(2)} p99 ${r.p99.toFixed(2)} max ${r.max.toFixed(1)} ms`;
    process.stderr.write(`${name} round ${round + 1}: PASSIVE only: ${line(passive)}\n  with the restart: ${line(restart)}\n`);
  }
  return rounds;
}

function rows(label: string, rounds: readonly Pair[]): string[] {
  const m = (f: (r: Pair) => number) => median(rounds.map(f));
  const row = (name: string, pick: (r: Pair) => Run) =>
    `| ${label} | ${name} | ${fmt(m((r) => pick(r).appends))} | ${fmt(m((r) => pick(r).perSecond))} | ${fmt(m((r) => pick(r).walMiB))} MiB | ${m((r) => pick(r).p50).toFixed(2)} ms | ${m((r) => pick(r).p99).toFixed(2)} ms | ${m((r) => pick(r).max).toFixed(1)} ms |`;
  return [
    row('PASSIVE only (baseline)', (r) => r.passive),
    row('with the restart (the engine)', (r) => r.restart),
    `| ${label} | ratio, median of the rounds' | | × ${m((r) => r.restart.perSecond / r.passive.perSecond).toFixed(2)} | × ${m((r) => r.restart.walMiB / r.passive.walMiB).toFixed(2)} | × ${m((r) => r.restart.p50 / r.passive.p50).toFixed(2)} | × ${m((r) => r.restart.p99 / r.passive.p99).toFixed(2)} | × ${m((r) => r.restart.max / r.passive.max).toFixed(2)} |`,
  ];
}

async function main(): Promise<void> {
  const nonstop = await scenario('nonstop', SECONDS, 0);
  const paced = await scenario('paced', PACED_SECONDS, RATE);
  const body = [
    '## The SQLite WAL under sustained appends (`npm run bench:wal`)',
    '',
    `${machine()}; one SQLite event store appending, one 500-byte event an append, its checkpoints served every second by a thread of their own as the projection thread serves them: for ${SECONDS} s without a pause (each append as soon as the one before is done: a bulk load), and for ${PACED_SECONDS} s at ${fmt(RATE)} appends/s on a fixed schedule (a busy provider; latency from each append's time on the schedule). ${ROUNDS} rounds alternated, each first with PASSIVE checkpoints only (the baseline: the engine before the restart) and then as the engine runs them (a RESTART from ${fmt(RESTART_AT_FRAMES)} frames, 64 MiB); medians. The WAL's largest size, sampled every 200 appends; the longest append is a restart holding the writer lock.`,
    '',
    '| load | checkpoints | appends | appends/s | largest WAL | p50 | p99 | max |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows(`nonstop, ${SECONDS} s`, nonstop),
    ...rows(`${fmt(RATE)}/s, ${PACED_SECONDS} s`, paced),
    '',
    'Without the restart the WAL holds every append of the run, and grows for as long as appends never let a checkpoint catch up; with it, 64 MiB and what is written during one restart cycle.',
  ].join('\n');
  writeSection('wal', body);
  process.stdout.write(`${body}\n`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`bench:wal: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
