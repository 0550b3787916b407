/**
 * npm run bench:calls — the money path's speed: SIP hook authorizations at fixed offered rates
 * (open loop, bounded in count and time, loopback only), then the CDRs of the authorized calls
 * charged by 16 concurrent posters; on SQLite (the embedded default) and on PostgreSQL (a
 * private cluster, fsync on). The engine runs as `trunkline serve` in its own process and the
 * load generator in this one, as a proxy and the engine would. Writes the "calls" section of
 * docs/benchmarks.md. BENCH_SCALE=0.2 shortens every phase; BENCH_STORES=sqlite measures SQLite
 * only and writes nothing; BENCH_LIMITS=1 sets call limits on every account (none reached);
 * BENCH_QUALITY=1 serves with the quality-routing plugin (its projection and route policy);
 * BENCH_RULES=all|none every limit and rule on, or none (see benchConfig). First, authorize
 * saturation and CPU a request against an express echo, alternated (bench/authorize-saturation.ts;
 * BENCH_ROUNDS rounds, at least 3; BENCH_BEFORE=<checkout> adds another build to each round).
 */
import { fundedCallers } from './funded-callers';
import { ALL_RULES, benchConfig } from './bench-config';
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { post } from './http-post';
import { procStat } from './proc-stat';
import { join } from 'node:path';
import { BENCH_NODE_ARGS, SERVE_NODE_FLAGS } from './serve-flags';
import { freePort } from '../test/beds/free-port';
import { startPostgresCluster } from '../test/beds/postgres-cluster';
import { HOOK_SECRET } from '../test/support/calls-engine';
import { BIN, ROOT, childEnv } from '../test/support/cli';
import { createDatabase } from '../test/support/postgres';
import { waitFor } from '../test/support/wait';
import { fmt, machine, percentile, writeSection } from './report';
import { runLoadgen } from './native-loadgen';
import { median } from './compare';
import { PROJECTIONS_SETTING, type Placement } from './placement';
import {
  ACHIEVED_SHARE,
  AUTHORIZE,
  FIRST_RATE,
  REFINEMENTS,
  WARM_SECONDS,
  measure,
  startEcho,
  startServe,
  type Served,
  type TargetFigures,
} from './authorize-saturation';
import { startDurableEcho } from './durable-echo';

const SCALE = Number(process.env['BENCH_SCALE'] ?? 1);
const SECONDS_PER_RATE = Math.max(1, Math.round(5 * SCALE));
// BENCH_RATES=500 offers only that rate (a quicker experiment; writes nothing unless all three run)
const RATES = (process.env['BENCH_RATES'] ?? '200,500,1000').split(',').map(Number);
const ACCOUNTS = 200;
const CDR_CONCURRENCY = 16;

/** The proxy's side: keep-alive HTTP/1.1 like Kamailio's http_client, lighter than fetch. */
function hookClient(base: string) {
  const url = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  return (path: 'authorize' | 'cdr', body: unknown) =>
    post(
      agent,
      url,
      `/v1/hooks/sip/${path}`,
      { 'content-type': 'application/json', authorization: `Bearer ${HOOK_SECRET}` },
      Buffer.from(JSON.stringify(body)),
    );
}
type Hook = ReturnType<typeof hookClient>;
interface Call {
  callId: string;
  caller: string;
}

/**
 * Offers `rate` authorizations a second for `seconds` (open loop: a slow answer does not slow
 * the offer) from the native load generator (bench/native/loadgen.c), 16 keep-alive connections.
 */
async function offer(port: number, callers: readonly string[], rate: number, seconds: number, tag: string, authorized: Call[]) {
  const total = rate * seconds;
  const started = performance.now();
  const answers = await runLoadgen({
    port,
    path: '/v1/hooks/sip/authorize',
    bearer: HOOK_SECRET,
    rate,
    count: total,
    connections: 16,
    tag,
    callers,
  });
  const elapsed = (performance.now() - started) / 1000;
  // BENCH_DUMP=/tmp/calls writes each phase's answers (seconds into the phase, latency ms): where the slow ones cluster
  const dump = process.env['BENCH_DUMP'];
  if (dump) writeFileSync(`${dump}-${tag}.txt`, answers.map((a) => `${(a.index / rate).toFixed(3)} ${a.ms.toFixed(2)}`).join('\n'));
  let ok = 0;
  let refused = 0;
  let failed = 0;
  for (const a of answers) {
    if (a.status === 200) {
      ok++;
      authorized.push({ callId: `${tag}-${a.index}`, caller: callers[a.index % callers.length]! });
    } else if (a.status === 402) refused++;
    else failed++;
  }
  const latencies = answers.map((a) => a.ms).sort((a, b) => a - b);
  const late = answers.map((a) => a.lateMs).sort((a, b) => a - b);
  return {
    sent: total,
    ok,
    refused,
    failed,
    achieved: total / elapsed,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: latencies.at(-1) ?? NaN,
    lateP99: percentile(late, 0.99),
  };
}

async function chargeAll(hook: Hook, calls: readonly Call[]) {
  let next = 0;
  let charged = 0;
  let errors = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CDR_CONCURRENCY }, async () => {
      while (next < calls.length) {
        const c = calls[next++]!;
        const res = await hook('cdr', {
          call_id: c.callId,
          caller: c.caller,
          disposition: 'ANSWERED',
          answer_ts: 1_796_000_000,
          end_ts: 1_796_000_037.4,
        });
        if (res.status === 200 && (JSON.parse(res.body) as { charged?: string | null }).charged) charged++;
        else errors++;
      }
    }),
  );
  return { perSecond: calls.length / ((performance.now() - start) / 1000), charged, errors };
}

/** The engine's own histogram of authorize answers (status 200), bucket upper bound (s) → count so far. */
async function serverBuckets(base: string): Promise<Map<number, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const out = new Map<number, number>();
  for (const m of text.matchAll(/^trunkline_http_request_seconds_bucket\{([^}]*)\} (\d+)/gm)) {
    const labels = m[1]!;
    if (!labels.includes('route="/v1/hooks/sip/authorize"') || !labels.includes('status="200"')) continue;
    const le = /le="([^"]+)"/.exec(labels)![1]!;
    out.set(le === '+Inf' ? Infinity : Number(le), Number(m[2]));
  }
  return out;
}

/** The engine's garbage-collector pauses so far (prom-client's nodejs_gc_duration_seconds): count and total ms. */
async function gcPauses(base: string): Promise<{ count: number; ms: number; kinds: Record<string, number>; cpuMs: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  // the engine process's CPU (every thread: event loop, GC helpers, SQLite checkpoints)
  const cpuMs = Number(/^process_cpu_seconds_total ([\d.e+-]+)/m.exec(text)?.[1] ?? NaN) * 1000;
  let count = 0;
  let ms = 0;
  const kinds: Record<string, number> = {};
  for (const m of text.matchAll(/^nodejs_gc_duration_seconds_(sum|count)\{[^}]*kind="(\w+)"[^}]*\} ([\d.e+-]+)/gm)) {
    if (m[1] === 'count') {
      count += Number(m[3]);
      kinds[m[2]!] = (kinds[m[2]!] ?? 0) + Number(m[3]);
    } else ms += Number(m[3]) * 1000;
  }
  return { count, ms, kinds, cpuMs };
}

/**
 * p99 of the time the engine itself took (from the request's headers parsed to its answer
 * written), from the difference of two histogram readings: the bucket the 99th percentile falls
 * in, interpolated linearly inside it (as Prometheus' histogram_quantile does).
 */
function serverP99(before: Map<number, number>, after: Map<number, number>): number {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((b) => (after.get(b) ?? 0) - (before.get(b) ?? 0));
  const total = counts.at(-1) ?? 0;
  const rank = total * 0.99;
  for (let i = 0; i < bounds.length; i++) {
    if (counts[i]! >= rank) {
      const lo = i === 0 ? 0 : bounds[i - 1]!;
      const below = i === 0 ? 0 : counts[i - 1]!;
      const hi = bounds[i]! === Infinity ? lo : bounds[i]!;
      return (lo + ((hi - lo) * (rank - below)) / Math.max(1, counts[i]! - below)) * 1000;
    }
  }
  return NaN;
}

/**
 * CPU milliseconds of the threads of `pid` running at nice 10: the projection thread lowers its
 * own priority to it (adapters/runtime/thread-priority.ts), and no other thread does.
 */
function projectionThreadCpuMs(pid: number): number {
  let ms = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const stat = procStat(`/proc/${pid}/task/${task}/stat`); // null: the thread ended meanwhile
    if (stat?.nice === 10) ms += stat.cpuMs;
  }
  return ms;
}

/** The projection thread's CPU once it has stopped working: unchanged for a second (at most 15 s). */
async function settledProjectionCpuMs(pid: number): Promise<number> {
  let last = projectionThreadCpuMs(pid);
  for (let i = 0; i < 15; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = projectionThreadCpuMs(pid);
    if (now === last) return now;
    last = now;
  }
  return last;
}

/** Prepares a data directory in process (carrier, deck, funded accounts), then measures `trunkline serve` on it. */
async function run(label: string, env: Record<string, string>, placement: Placement): Promise<string[]> {
  const split = placement === 'apart';
  const { bed, people } = await fundedCallers(ACCOUNTS, { env, keepData: true });
  const dir = bed.engine.config.dataDir;
  await bed.close();
  writeFileSync(join(dir, 'trunkline.json'), JSON.stringify(benchConfig()));
  const port = await freePort();
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the engine under this load (summary: bench/profile-summary.ts)
  const serveEnv = {
    ...env,
    TRUNKLINE_DATA_DIR: dir,
    PORT: String(port),
    TRUNKLINE_SIP_HOOK_SECRET: HOOK_SECRET,
    TRUNKLINE_CALL_GRANT_SECONDS: '60',
    // BENCH_LIMITS=1: every account limited, high enough that nothing is refused: what the checks cost
    ...(process.env['BENCH_LIMITS'] || ALL_RULES ? { TRUNKLINE_MAX_CONCURRENT_CALLS: '1000', TRUNKLINE_MAX_CALLS_PER_MINUTE: '1000' } : {}),
    // BENCH_QUALITY=1: quality routing on: what its projection and route policy cost the hooks
    ...(process.env['BENCH_QUALITY'] || ALL_RULES ? { TRUNKLINE_PLUGINS: join(ROOT, 'plugins', 'quality-routing') } : {}),
  };
  const server: ChildProcess = spawn(process.execPath, [...SERVE_NODE_FLAGS, ...BENCH_NODE_ARGS, BIN, 'serve'], {
    cwd: ROOT,
    // BENCH_NO_PROJECTIONS=1 serves with no projection anywhere: what the read models cost the hooks
    env: childEnv({
      ...serveEnv,
      TRUNKLINE_PROJECTIONS: process.env['BENCH_NO_PROJECTIONS'] ? 'elsewhere' : PROJECTIONS_SETTING[placement],
    }),
    // BENCH_SERVE_LOG=/tmp/serve.log keeps the engine's output (with BENCH_NODE_ARGS=--trace-gc: its GC pauses)
    stdio: process.env['BENCH_SERVE_LOG']
      ? ['ignore', openSync(process.env['BENCH_SERVE_LOG'], 'a'), openSync(process.env['BENCH_SERVE_LOG'], 'a')]
      : 'ignore',
  });
  // split: the read models are fed by a projector process, as several servers would share one
  const projector: ChildProcess | null = split
    ? spawn(process.execPath, [...SERVE_NODE_FLAGS, BIN, 'projector'], {
        cwd: ROOT,
        env: childEnv({ ...env, TRUNKLINE_DATA_DIR: dir }),
        stdio: 'ignore',
      })
    : null;
  const base = `http://127.0.0.1:${port}`;
  const rows: string[] = [];
  try {
    await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => null))?.ok === true, 60_000, 'trunkline serve');
    const hook = hookClient(base);
    const callers = people.map((p) => p.keyid);
    await offer(port, callers, 100, 2, `${label}-warm`, []); // connections, JIT, state caches
    const authorized: Call[] = [];
    const threaded = placement === 'thread' && server.pid !== undefined;
    const projectionBefore = threaded ? await settledProjectionCpuMs(server.pid!) : 0;
    let requests = 0;
    for (const rate of RATES) {
      const before = await serverBuckets(base);
      const gcBefore = await gcPauses(base);
      const r = await offer(port, callers, rate, SECONDS_PER_RATE, `${label}-${rate}`, authorized);
      const inEngine = serverP99(before, await serverBuckets(base));
      const gcAfter = await gcPauses(base);
      const gc = { count: gcAfter.count - gcBefore.count, ms: gcAfter.ms - gcBefore.ms };
      const cpuPerRequest = (gcAfter.cpuMs - gcBefore.cpuMs) / r.sent;
      requests += r.sent;
      const kinds = Object.entries(gcAfter.kinds)
        .map(([k, n]) => `${k} ${n - (gcBefore.kinds[k] ?? 0)}`)
        .join(', ');
      process.stderr.write(
        `${label} ${rate}/s: p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms (in the engine ${inEngine.toFixed(2)} ms), generator late p99 ${r.lateP99.toFixed(2)} ms, GC ${gc.count} pauses (${kinds}) ${gc.ms.toFixed(0)} ms, engine CPU ${cpuPerRequest.toFixed(2)} ms a request, ok ${r.ok}, failed ${r.failed}\n`,
      );
      rows.push(
        `| ${label} | authorize at ${fmt(rate)}/s offered (${fmt(r.sent)} requests) | ${fmt(r.achieved)}/s | ${r.p50.toFixed(2)} ms | ${r.p99.toFixed(2)} ms | ${inEngine.toFixed(2)} ms | ${r.max.toFixed(1)} ms | ${gc.count}, ${gc.ms.toFixed(0)} ms | ${cpuPerRequest.toFixed(2)} ms | ${fmt(r.ok)} allowed, ${fmt(r.refused)} refused, ${fmt(r.failed)} errors |`,
      );
    }
    const c = await chargeAll(hook, authorized);
    process.stderr.write(`${label} CDRs: ${fmt(c.perSecond)}/s\n`);
    rows.push(
      `| ${label} | CDRs charged, ${CDR_CONCURRENCY} concurrent posters | ${fmt(c.perSecond)}/s | | | | | | | ${fmt(c.charged)} charged, ${fmt(c.errors)} errors |`,
    );
    if (threaded) {
      // everything the projections did for the run, caught up: its authorizations and its CDRs
      const projectionMs = (await settledProjectionCpuMs(server.pid!)) - projectionBefore;
      requests += c.charged;
      process.stderr.write(`${label} projection thread: ${fmt(projectionMs)} ms of CPU for ${fmt(requests)} requests\n`);
      rows.push(
        `| ${label} | the projection thread alone, over the run (authorizations and CDRs) | | | | | | | ${(projectionMs / requests).toFixed(2)} ms | ${fmt(projectionMs)} ms of CPU for ${fmt(requests)} requests |`,
      );
    }
  } finally {
    for (const child of [server, projector]) {
      if (!child) continue;
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    }
  }
  return rows;
}

/**
 * The machine's floor: the same load generator against a Node HTTP server that only answers
 * `{}`, in its own process. No engine can answer faster than this on the same cores.
 */
async function floor(): Promise<string[]> {
  const port = await freePort();
  const code = `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => { s.setHeader('content-type', 'application/json'); s.end('{}'); }); }).listen(${port}, '127.0.0.1')`;
  const server = spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
  const rows: string[] = [];
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(base, { method: 'POST' }).catch(() => null))?.ok === true, 10_000, 'floor server');
    await offer(port, ['+442079462000'], 100, 1, 'floor-warm', []);
    for (const rate of RATES) {
      const r = await offer(port, ['+442079462000'], rate, SECONDS_PER_RATE, `floor-${rate}`, []);
      process.stderr.write(
        `floor ${rate}/s: p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, generator late p99 ${r.lateP99.toFixed(2)} ms\n`,
      );
      rows.push(
        `| floor (a server that only answers \`{}\`) | ${fmt(rate)}/s offered (${fmt(r.sent)} requests) | ${fmt(r.achieved)}/s | ${r.p50.toFixed(2)} ms | ${r.p99.toFixed(2)} ms | | ${r.max.toFixed(1)} ms | | | |`,
      );
    }
  } finally {
    server.kill('SIGTERM');
  }
  return rows;
}

const ROUNDS = Math.max(3, Number(process.env['BENCH_ROUNDS'] ?? 3));
const FLOOR = 'durable floor';
/** BENCH_BEFORE=/path/to/another/checkout (built) adds its `serve` to every round, between the echo and this one. */
const BEFORE = process.env['BENCH_BEFORE'];
/** What the other checkout's rows are called (BENCH_BEFORE_LABEL): what it lacks, not where it came from. */
const BEFORE_LABEL = process.env['BENCH_BEFORE_LABEL'] ?? 'Trunkline before';

/**
 * Saturation and CPU a request against an express echo under the same generator, A B A B:
 * each round the echo, then (BENCH_BEFORE) the other checkout, then this checkout's `serve`,
 * each on a fresh copy of one prepared data directory. Ratios are medians of per-round ratios.
 */
async function saturation(): Promise<string[]> {
  const { bed, people } = await fundedCallers(ACCOUNTS, { keepData: true });
  const prepared = bed.engine.config.dataDir;
  await bed.close();
  writeFileSync(join(prepared, 'trunkline.json'), JSON.stringify(benchConfig()));
  const callers = people.map((p) => p.keyid);
  const seconds = SECONDS_PER_RATE;
  const stepSeconds = Math.max(2, Math.round(2 * SCALE));
  const targets: [string, () => Promise<Served>][] = [
    ['express echo', () => startEcho()],
    [FLOOR, () => startDurableEcho(AUTHORIZE, HOOK_SECRET)],
    ...(BEFORE ? ([[BEFORE_LABEL, () => startServe(prepared, BEFORE)]] as [string, () => Promise<Served>][]) : []),
    ['Trunkline', () => startServe(prepared)],
  ];
  const figures = new Map<string, TargetFigures[]>(targets.map(([name]) => [name, []]));
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      // every other round in the reverse order, so that no target always follows the same one
      for (const [name, start] of round % 2 ? targets : [...targets].reverse()) {
        const served = await start();
        try {
          const f = await measure(served, callers, `r${round}-${name.replace(/\W/g, '')}`, seconds, stepSeconds);
          figures.get(name)!.push(f);
          process.stderr.write(
            `round ${round} ${name}: saturation ${fmt(f.saturation)}/s, at 500/s p99 ${f.p99At500.toFixed(2)} ms, CPU ${f.cpuMsAt500.toFixed(3)} ms a request, ${f.failedAt500} not 200\n`,
          );
        } finally {
          await served.stop();
        }
      }
    }
  } finally {
    rmSync(prepared, { recursive: true, force: true });
  }
  const echo = figures.get('express echo')!;
  const floor = figures.get(FLOOR)!;
  const rounds = (name: string, pick: (f: TargetFigures) => number, show: (n: number) => string) =>
    `${show(median(figures.get(name)!.map(pick)))} (${figures
      .get(name)!
      .map((f) => show(pick(f)))
      .join(', ')})`;
  const ratio = (name: string, to: readonly TargetFigures[], pick: (f: TargetFigures) => number) =>
    `× ${median(figures.get(name)!.map((f, i) => pick(f) / pick(to[i]!))).toFixed(2)}`;
  const row = (label: string, pick: (f: TargetFigures) => number, show: (n: number) => string, name: string) =>
    `| ${label} | ${name} | ${rounds(name, pick, show)} | ${rounds('express echo', pick, show)} | ${ratio(name, echo, pick)} | ${name === FLOOR ? '' : ratio(name, floor, pick)} |`;
  const names = targets.map(([n]) => n).filter((n) => n !== 'express echo');
  const perSecond = (n: number) => `${fmt(n)}/s`;
  const ms = (n: number) => `${n.toFixed(2)} ms`;
  return [
    `Against an express echo (express 5, \`express.json()\` and \`res.json(body)\` on the authorize path, in its own process) and a durable floor (the same echo, but checking the bearer and appending one event of an authorization's size, its id derived from the call id, to an SQLite log of the engine's schema in WAL with \`synchronous = NORMAL\`, the appends of one turn of the event loop in one transaction, each answer after its COMMIT: bench/durable-echo.ts; no rating, balance or projections), under the same generator, ${ROUNDS} rounds alternated (echo, durable floor, ${BEFORE ? `then "${BEFORE_LABEL}" (the same engine built from other code), ` : ''}then \`trunkline serve\` with its projection thread on a fresh copy of the same data directory; every other round in the reverse order; each target first took 500/s for ${WARM_SECONDS} s, measured by nothing, so that V8 has compiled what it serves); medians, each round's figure in brackets, and the median of the per-round ratios. Saturation: the highest offered rate (a ladder from ${fmt(FIRST_RATE)}/s in steps of 15 %, ${stepSeconds} s each, ended by two misses in a row, then ${REFINEMENTS} offers halving the gap between the highest rung achieved and the next) answered 200 at ≥ ${ACHIEVED_SHARE * 100} % of the offer, from the first request's schedule to the last answer; CPU a request: the process's CPU time (every thread, from /proc) over the 500/s phase (${seconds} s) divided by its requests.`,
    '',
    '| figure | server | median (rounds) | express echo, median (rounds) | ratio to the echo | ratio to the durable floor |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...names.flatMap((name) => [
      row('authorize saturation', (f) => f.saturation, perSecond, name),
      row('CPU an authorization at 500/s', (f) => f.cpuMsAt500, ms, name),
      row('p99 at 500/s', (f) => f.p99At500, ms, name),
    ]),
  ];
}

async function main(): Promise<void> {
  // BENCH_MODES=thread,apart (any of saturation, floor, in-process, thread, apart) measures those alone; writes nothing
  const modes = process.env['BENCH_MODES']?.split(',');
  const want = (mode: string) => !modes || modes.includes(mode);
  const satRows = want('saturation') ? await saturation() : [];
  const rows = want('floor') ? await floor() : [];
  if (want('in-process')) rows.push(...(await run('SQLite, projections in process', {}, 'in-process')));
  if (want('thread')) rows.push(...(await run('SQLite, projection thread', {}, 'thread')));
  if (want('apart')) rows.push(...(await run('SQLite, projector apart', {}, 'apart')));
  if (modes || process.env['BENCH_STORES'] === 'sqlite' || process.env['BENCH_RATES'])
    return void process.stdout.write(`${[...rows, '', ...satRows].join('\n')}\n`);
  const cluster = await startPostgresCluster({ durable: true });
  try {
    const url = await createDatabase(cluster.url);
    rows.push(...(await run('PostgreSQL, projection thread', { TRUNKLINE_STORE: 'postgres', TRUNKLINE_POSTGRES_URL: url }, 'thread')));
    const url2 = await createDatabase(cluster.url);
    rows.push(...(await run('PostgreSQL, projector apart', { TRUNKLINE_STORE: 'postgres', TRUNKLINE_POSTGRES_URL: url2 }, 'apart')));
  } finally {
    cluster.stop();
  }
  const body = [
    '## Calls: authorization and CDR charging (`npm run bench:calls`)',
    '',
    `${machine()}; \`trunkline serve\` in its own process; authorizations offered by a native open-loop load generator (bench/native/loadgen.c: 16 keep-alive HTTP/1.1 connections, as Kamailio's libcurl-based http_client; no garbage collector of its own in the figures) and CDRs posted by node:http keep-alive clients, over loopback ("projection thread": the default, \`serve\`'s projections in a worker thread of its own process; "projections in process": TRUNKLINE_PROJECTIONS=run, on \`serve\`'s event loop; "projector apart": \`serve\` with TRUNKLINE_PROJECTIONS=elsewhere and a \`trunkline projector\` process feeding the read models: three processes on two cores); ${ACCOUNTS} funded accounts, each authorization a new call (a reservation appended on the caller's stream), ${SECONDS_PER_RATE} s per offered rate, open loop. Scale ${SCALE}. p50 and p99 as the load generator saw them; "p99 in the engine" from the engine's own histogram (trunkline_http_request_seconds for the authorize hook, from the request's headers parsed to the answer written; interpolated within buckets of 0.5, 1, 2, 3, 4, 5, 7.5 and 10 ms, then 25, 50 and 100 ms, so figures above 10 ms are rough): what the two differ by is the time a request waits before the engine reads it: mostly the engine's garbage-collector pauses (the GC column: the serving thread's pauses and their total during the phase, from nodejs_gc_duration_seconds; a projection thread's own are not in it) and the other processes on the same two cores. "Engine CPU a request": the serve process's CPU time (every thread, a projection thread's included) over the phase, divided by the requests offered; with the projector apart, its own CPU is not in it. "The projection thread alone": the CPU of the process's one thread at nice 10 (from /proc), from before the first phase until it has caught up after the CDRs, divided by every request of the run.`,
    '',
    '| store | what | achieved | p50 | p99 | p99 in the engine | max | GC pauses | engine CPU a request | outcome |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows,
    '',
    '### Authorize saturation against an express echo',
    '',
    ...satRows,
  ].join('\n');
  writeSection('calls', body);
  process.stdout.write(`${body}\n`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`bench:calls: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
