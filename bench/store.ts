/**
 * npm run bench:store — event store append and read throughput on SQLite and PostgreSQL, each
 * against a bare floor on the same table (bench/store-floors.ts) in alternated rounds, and a
 * projection rebuild over 1,000,000 events against reading and parsing the same log. Writes the
 * "store" section of docs/benchmarks.md (BENCH_WRITE=0: print only; BENCH_ONLY=sqlite|postgres:
 * those rows only, printed). Everything runs on this machine: SQLite files in a temporary
 * directory, PostgreSQL as a private durable cluster (fsync on) on 127.0.0.1. BENCH_SCALE=0.1
 * runs a tenth of each size; BENCH_ROUNDS sets the rounds (3).
 */
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteEventStore } from '../adapters/event-store/sqlite';
import { postgresEventStore } from '../adapters/event-store/postgres';
import type { EventStore } from '../core/event-store';
import type { EventToAppend } from '../core/events/envelope';
import { uuidv7Generator } from '../core/ids';
import { systemClock } from '../core/clock';
import { startPostgresCluster } from '../test/beds/postgres-cluster';
import { alternate, benchRounds, median, ratioOf, versus } from './compare';
import { readLogRate } from './read-log';
import { fmt, machine, writeSection } from './report';
import { bareSqlite, barePostgres } from './store-floors';

const SCALE = Number(process.env['BENCH_SCALE'] ?? 1);
const n = (x: number) => Math.max(100, Math.round(x * SCALE));
const ROUNDS = benchRounds(3);
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

/** Events per second of `total` events appended `batch` at a time over `streams` streams. */
async function appendRate(
  append: (stream: string, events: EventToAppend[]) => unknown,
  total: number,
  batch: number,
  streams = 5000,
): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < total; i += batch) {
    const events = Array.from({ length: Math.min(batch, total - i) }, (_, j) => event(i + j));
    await append(`acc-${(i / batch) % streams}`, events);
  }
  return total / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function readRate(store: EventStore): Promise<{ events: number; perSecond: number }> {
  const started = process.hrtime.bigint();
  let events = 0;
  for await (const _ of store.readAll(0, 5000)) events++;
  return { events, perSecond: events / (Number(process.hrtime.bigint() - started) / 1e9) };
}

/** What one side of a round measures: the same steps for the store and for its bare floor. */
interface Side {
  append(stream: string, events: EventToAppend[]): unknown;
  settle(): Promise<void>;
  readRate(): Promise<{ events: number; perSecond: number }>;
  close(): Promise<void>;
}

interface Step {
  readonly backend: string;
  readonly operation: string;
  readonly target: string;
  /** Appends `batch` at a time, or reads everything back (batch 0). */
  readonly batch: number;
  readonly total: number;
}

/** Each step's events/s for one side, on a store opened fresh for the round. */
async function measure(open: () => Promise<Side>, steps: readonly Step[], warmUp: number): Promise<number[]> {
  const side = await open();
  try {
    if (warmUp > 0) await appendRate((s, e) => side.append(s, e), warmUp, 1); // JIT and page cache, not counted
    const out: number[] = [];
    for (const step of steps) {
      await side.settle();
      out.push(
        step.batch === 0 ? (await side.readRate()).perSecond : await appendRate((s, e) => side.append(s, e), step.total, step.batch),
      );
    }
    return out;
  } finally {
    await side.close();
  }
}

type Row = [backend: string, operation: string, store: string, floor: string, ratio: string, target: string];

/** Rounds of the store then its floor (A B A B …), each on fresh files or databases; one row per step. */
async function compare(
  label: string,
  steps: readonly Step[],
  store: (round: number) => Promise<Side>,
  floor: (round: number) => Promise<Side>,
  warmUp: number,
): Promise<Row[]> {
  const rounds = await alternate(
    ROUNDS,
    { floor: (r) => measure(() => floor(r), steps, warmUp), store: (r) => measure(() => store(r), steps, warmUp) },
    (round) => console.error(`${label}: round ${round}/${ROUNDS} done`),
  );
  return steps.map((step, i) => {
    const a = rounds.store.map((r) => r[i]!);
    const b = rounds.floor.map((r) => r[i]!);
    return [step.backend, step.operation, fmt(median(a)), fmt(median(b)), `× ${ratioOf(a, b).toFixed(2)}`, step.target];
  });
}

const storeSide = (store: EventStore, close: () => Promise<void> = async () => undefined): Side => ({
  append: (stream, events) => store.append(stream, events, 'any'),
  // its checkpoints run on their own thread; nothing to do between steps
  settle: async () => undefined,
  readRate: () => readRate(store),
  close: async () => {
    await store.close();
    await close();
  },
});

async function sqliteFigures(rows: Row[]): Promise<void> {
  const dirs: string[] = [];
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-sqlite-'));
    dirs.push(dir);
    return join(dir, 'events.sqlite');
  };
  try {
    for (const sync of ['normal', 'full'] as const) {
      const steps: Step[] =
        sync === 'normal'
          ? [
              {
                backend: 'SQLite (synchronous=normal)',
                operation: 'append, 1 event per commit',
                target: '≥ 10,000',
                batch: 1,
                total: n(20_000),
              },
              { backend: 'SQLite', operation: 'append, batches of 100', target: '≥ 50,000', batch: 100, total: n(200_000) },
              { backend: 'SQLite', operation: 'append, batches of 1000', target: '≥ 50,000', batch: 1000, total: n(500_000) },
              {
                backend: 'SQLite',
                operation: `readAll over ${fmt(2_000 + n(20_000) + n(200_000) + n(500_000))} events`,
                target: '',
                batch: 0,
                total: 0,
              },
            ]
          : [
              {
                backend: 'SQLite (synchronous=full)',
                operation: 'append, 1 event per commit',
                target: '(opt-in durability)',
                batch: 1,
                total: n(5_000),
              },
            ];
      rows.push(
        ...(await compare(
          `sqlite ${sync}`,
          steps,
          async () => storeSide(sqliteEventStore({ path: fresh(), synchronous: sync })),
          async () => bareSqlite(fresh(), sync),
          2_000,
        )),
      );
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresFigures(rows: Row[]): Promise<void> {
  const cluster = await startPostgresCluster({ durable: true });
  const admin = new pg.Client({ connectionString: cluster.url });
  let databases = 0;
  /**
   * A database of its own for each side of each round, dropped when the side is done, after a
   * CHECKPOINT: every side starts from an empty log on a cluster with nothing left to flush.
   */
  const fresh = async (): Promise<{ url: string; drop: () => Promise<void> }> => {
    const name = `bench_${++databases}`;
    await admin.query('CHECKPOINT');
    await admin.query(`CREATE DATABASE ${name}`);
    const drop = async () => {
      await admin.query(`DROP DATABASE ${name}`);
    };
    return { url: cluster.url.replace(/\/postgres$/, `/${name}`), drop };
  };
  try {
    await admin.connect();
    const steps: Step[] = [
      { backend: 'PostgreSQL (fsync on)', operation: 'append, 1 event per commit', target: '', batch: 1, total: n(3_000) },
      { backend: 'PostgreSQL', operation: 'append, batches of 100', target: '', batch: 100, total: n(50_000) },
      { backend: 'PostgreSQL', operation: 'append, batches of 1000', target: '', batch: 1000, total: n(150_000) },
      {
        backend: 'PostgreSQL',
        operation: `readAll over ${fmt(200 + n(3_000) + n(50_000) + n(150_000))} events`,
        target: '',
        batch: 0,
        total: 0,
      },
    ];
    rows.push(
      ...(await compare(
        'postgres',
        steps,
        async () => {
          const db = await fresh();
          return storeSide(await postgresEventStore({ url: db.url }), db.drop);
        },
        async () => {
          const db = await fresh();
          const bare = await barePostgres(db.url);
          return {
            ...bare,
            close: async () => {
              await bare.close();
              await db.drop();
            },
          };
        },
        200,
      )),
    );
  } finally {
    await admin.end().catch(() => undefined);
    cluster.stop();
  }
}

interface Rebuild {
  events: number;
  perSecond: number;
  baselineMiB: number;
  peakMiB: number;
}

interface RebuildFigure {
  readonly events: number;
  /** Per round: the rebuild's events/s, and reading + parsing the same log's. */
  readonly rebuild: number[];
  readonly readParse: number[];
  /** The last round's peak RSS and the RSS before the rebuild. */
  readonly peakMiB: number;
  readonly baselineMiB: number;
}

async function rebuildFigures(sizes: number[]): Promise<RebuildFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-rebuild-'));
  const store = sqliteEventStore({ path: join(dir, 'events.sqlite') });
  const out: RebuildFigure[] = [];
  let written = 0;
  try {
    for (const size of sizes) {
      await appendRate((stream, events) => store.append(stream, events, 'any'), size - written, 1000);
      written = size;
      let last: Rebuild | null = null;
      const rounds = await alternate(ROUNDS, {
        readParse: () => readLogRate(dir, true),
        rebuild: () => {
          // every round rebuilds into a new file, as the first did
          for (const f of readdirSync(dir)) if (f.startsWith('read-models.sqlite')) rmSync(join(dir, f));
          const line = execFileSync(process.execPath, ['-r', 'tsx/cjs', join(__dirname, 'rebuild-child.ts'), dir], {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          last = JSON.parse(line.trim()) as Rebuild;
          return last.perSecond;
        },
      });
      const final = last as Rebuild | null;
      if (!final) throw new Error('no rebuild ran');
      out.push({ events: final.events, ...rounds, peakMiB: final.peakMiB, baselineMiB: final.baselineMiB });
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
    [
      '| backend | operation | events/s | bare floor, same rounds | ratio to the floor | target |',
      '|---|---|---:|---:|---:|---|',
      ...r.map((x) => `| ${x.join(' | ')} |`),
    ].join('\n');
  const rebuildTable = [
    '| log size | rebuild events/s | reading + `JSON.parse`, same rounds | ratio | peak RSS (MiB) | RSS before (MiB) |',
    '|---:|---:|---:|---:|---:|---:|',
    ...rebuilds.map(
      (r) => `| ${fmt(r.events)} | ${versus(r.rebuild, r.readParse, fmt)} | ${r.peakMiB.toFixed(0)} | ${r.baselineMiB.toFixed(0)} |`,
    ),
  ].join('\n');
  const body = `## Event store and projections (\`npm run bench:store\`)

Machine: ${machine()}. Scale: ${SCALE}. Events are CDR-sized (~250 bytes of JSON), appended to 5,000 streams with \`expected: 'any'\`.
${ROUNDS} alternated rounds, each the bare floor first and then the store, each side on a fresh file or database (PostgreSQL: after a CHECKPOINT, dropped after the side); medians, and the
ratio is the median of the rounds' ratios. The floor (bench/store-floors.ts) appends the same events to the same table (columns,
keys, uniqueness) with one transaction per append and nothing else: on SQLite one prepared INSERT a row in WAL mode with the
same \`synchronous\`, never checkpointing its WAL while a step runs (the store checkpoints on a thread of its own) but
checkpointing it between steps, untimed; on PostgreSQL one \`INSERT … SELECT FROM unnest(…)\` per append, committed on its own. It knows each
stream's version in memory, so it checks no expected version, deduplicates no event id, takes no lock and validates
nothing; its reads parse data and metadata as the stores do.

${table(rows)}

Reading the figures: SQLite in WAL mode with \`synchronous=normal\` commits without an fsync (a process crash loses
nothing; a power cut may lose the last commits), which is why one-event commits reach five figures; \`full\` pays an
fsync per commit. PostgreSQL appends commit one at a time under an advisory lock (the price of a subscription that
can never skip a late commit, see docs/architecture.md), so one-event commits are bound by the disk's fsync latency
and do not group-commit; batches amortize it. Callers put the events of one decision into one append. What the
ratios to the floor price is what a store guarantees beyond an INSERT: the stream's version read and checked, every
event id looked up for deduplication, and on PostgreSQL the advisory lock and the notification.

Rebuild of the \`catalogue\` projection (two upserts per event, SQLite read models, batches of 1000 per transaction),
each in a fresh process into a new read-model file so peak RSS (VmHWM) is the rebuild's own, alternated with better-sqlite3 reading every row of
the same log and \`JSON.parse\` of its data and metadata (${ROUNDS} rounds; peak RSS from the last). Target ≥ 100,000
events/s, memory flat as the log grows.

${rebuildTable}`;
  writeSection('store', body);
  console.log(body);
}

void main();
