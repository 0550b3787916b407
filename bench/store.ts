/**
 * npm run bench:store — event store append and read throughput on SQLite and PostgreSQL, and a
 * projection rebuild over 1,000,000 events. Writes the "store" section of docs/benchmarks.md.
 * Everything runs on this machine: SQLite files in a temporary directory, PostgreSQL as a
 * private durable cluster (fsync on) on 127.0.0.1. BENCH_SCALE=0.1 runs a tenth of each size.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteEventStore } from '../adapters/event-store/sqlite';
import { postgresEventStore } from '../adapters/event-store/postgres';
import type { EventStore } from '../core/event-store';
import type { EventToAppend } from '../core/events/envelope';
import { uuidv7Generator } from '../core/ids';
import { systemClock } from '../core/clock';
import { startPostgresCluster } from '../test/beds/postgres-cluster';
import { fmt, machine, writeSection } from './report';

const SCALE = Number(process.env['BENCH_SCALE'] ?? 1);
const n = (x: number) => Math.max(100, Math.round(x * SCALE));
const ids = uuidv7Generator(systemClock);

/** A CDR-sized event: what the log will mostly hold. */
function event(i: number): EventToAppend {
  return {
    id: ids.next(),
    type: 'CallCharged',
    schemaVersion: 1,
    data: {
      callId: `call-${i}`,
      account: `acc-${i % 5000}`,
      destination: '+442079460958',
      billedSeconds: 60 + (i % 600),
      cost: '0.01234',
      currency: 'EUR',
    },
    metadata: { actor: 'bench', correlationId: `corr-${i}` },
  };
}

async function appendRate(store: EventStore, total: number, batch: number, streams = 5000): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < total; i += batch) {
    const events = Array.from({ length: Math.min(batch, total - i) }, (_, j) => event(i + j));
    await store.append(`acc-${(i / batch) % streams}`, events, 'any');
  }
  return total / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function readRate(store: EventStore): Promise<{ events: number; perSecond: number }> {
  const started = process.hrtime.bigint();
  let events = 0;
  for await (const _ of store.readAll(0, 5000)) events++;
  return { events, perSecond: events / (Number(process.hrtime.bigint() - started) / 1e9) };
}

type Row = [string, string, string, string];

async function sqliteFigures(rows: Row[]): Promise<void> {
  for (const sync of ['normal', 'full'] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-sqlite-'));
    const store = sqliteEventStore({ path: join(dir, 'events.sqlite'), synchronous: sync });
    await appendRate(store, 2_000, 1); // warm-up: JIT and page cache, not counted
    const one = await appendRate(store, n(sync === 'full' ? 5_000 : 20_000), 1);
    rows.push([
      `SQLite (synchronous=${sync})`,
      'append, 1 event per commit',
      fmt(one),
      sync === 'normal' ? '≥ 10,000' : '(opt-in durability)',
    ]);
    if (sync === 'normal') {
      rows.push(['SQLite', 'append, batches of 100', fmt(await appendRate(store, n(200_000), 100)), '≥ 50,000']);
      rows.push(['SQLite', 'append, batches of 1000', fmt(await appendRate(store, n(500_000), 1000)), '≥ 50,000']);
      const read = await readRate(store);
      rows.push(['SQLite', `readAll over ${fmt(read.events)} events`, fmt(read.perSecond), '']);
    }
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    console.error(`sqlite ${sync}: done`);
  }
}

async function postgresFigures(rows: Row[]): Promise<void> {
  const cluster = await startPostgresCluster({ durable: true });
  try {
    const store = await postgresEventStore({ url: cluster.url });
    rows.push(['PostgreSQL (fsync on)', 'append, 1 event per commit', fmt(await appendRate(store, n(5_000), 1)), '']);
    rows.push(['PostgreSQL', 'append, batches of 100', fmt(await appendRate(store, n(100_000), 100)), '']);
    rows.push(['PostgreSQL', 'append, batches of 1000', fmt(await appendRate(store, n(200_000), 1000)), '']);
    const read = await readRate(store);
    rows.push(['PostgreSQL', `readAll over ${fmt(read.events)} events`, fmt(read.perSecond), '']);
    await store.close();
    console.error('postgres: done');
  } finally {
    cluster.stop();
  }
}

interface Rebuild {
  events: number;
  perSecond: number;
  baselineMiB: number;
  peakMiB: number;
}

async function rebuildFigures(sizes: number[]): Promise<Rebuild[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-rebuild-'));
  const store = sqliteEventStore({ path: join(dir, 'events.sqlite') });
  const out: Rebuild[] = [];
  let written = 0;
  try {
    for (const size of sizes) {
      await appendRate(store, size - written, 1000);
      written = size;
      const line = execFileSync(process.execPath, ['-r', 'tsx/cjs', join(__dirname, 'rebuild-child.ts'), dir], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      out.push(JSON.parse(line.trim()) as Rebuild);
      console.error(`rebuild over ${fmt(size)}: done`);
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const only = process.env['BENCH_ONLY'];
  if (!only || only === 'sqlite') await sqliteFigures(rows);
  if (!only || only === 'postgres') await postgresFigures(rows);
  if (only) {
    console.log(rows.map((r) => r.join(' | ')).join('\n'));
    return;
  }
  const rebuilds = await rebuildFigures([n(250_000), n(1_000_000)]);
  const table = (r: Row[]) =>
    ['| backend | operation | events/s | target |', '|---|---|---:|---|', ...r.map((x) => `| ${x.join(' | ')} |`)].join('\n');
  const rebuildTable = [
    '| log size | rebuild events/s | peak RSS (MiB) | RSS before (MiB) |',
    '|---:|---:|---:|---:|',
    ...rebuilds.map((r) => `| ${fmt(r.events)} | ${fmt(r.perSecond)} | ${r.peakMiB.toFixed(0)} | ${r.baselineMiB.toFixed(0)} |`),
  ].join('\n');
  const body = `## Event store and projections (\`npm run bench:store\`)

Machine: ${machine()}. Scale: ${SCALE}. Events are CDR-sized (~250 bytes of JSON), appended to 5,000 streams with \`expected: 'any'\`.

${table(rows)}

Reading the figures: SQLite in WAL mode with \`synchronous=normal\` commits without an fsync (a process crash loses
nothing; a power cut may lose the last commits), which is why one-event commits reach five figures; \`full\` pays an
fsync per commit. PostgreSQL appends commit one at a time under an advisory lock (the price of a subscription that
can never skip a late commit, see docs/architecture.md), so one-event commits are bound by the disk's fsync latency
and do not group-commit; batches amortize it. Callers put the events of one decision into one append.

Rebuild of the \`catalogue\` projection (two upserts per event, SQLite read models, batches of 1000 per transaction),
each in a fresh process so peak RSS (VmHWM) is the rebuild's own. Target ≥ 100,000 events/s, memory flat as the log grows.

${rebuildTable}`;
  writeSection('store', body);
  console.log(body);
}

void main();
