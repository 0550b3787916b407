import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/beds/free-port';
import { median } from './compare';
import { machine, writeSection } from './report';
import { SERVE_NODE_FLAGS } from './serve-flags';

/**
 * What an idle `serve` holds against a bare express app, both whole processes started with
 * `npm start`'s Node flags: the ms until `/readyz` answers 200, then the resident set size after
 * EARLY_MS and after SETTLE_MS of idleness (by then V8's memory reducer, which looks every 8 s
 * after start-up's collection until the thread is idle, has handed back what start-up touched:
 * 8–32 s after `/readyz` on this machine). Alternated round by round, each figure beside the express app's of the
 * same round; the ratio is the median of the rounds' ratios. `npm run build` first: the bench
 * measures the dist/ that is there. BENCH_BEFORE=<another checkout, built> adds its `serve`.
 */
const ROOT = join(__dirname, '..');
const RUNS = Math.max(3, Number(process.env['BENCH_RUNS'] ?? 5));
const EARLY_MS = 5000;
const SETTLE_MS = Math.max(EARLY_MS, Number(process.env['BENCH_SETTLE_MS'] ?? 45_000));
const READY_TIMEOUT_MS = 60_000;
/** The idle RSS the engine aims at, as a multiple of the express app's. */
const RSS_TARGET = 2;

/** The reference: express 5 with a JSON body parser and three routes, nothing else. */
const EXPRESS_APP = `
  const express = require(${JSON.stringify(require.resolve('express'))});
  const app = express();
  app.use(express.json());
  app.get('/healthz', (_req, res) => res.json({ status: 'ok' }));
  app.get('/readyz', (_req, res) => res.json({ status: 'ready' }));
  app.post('/echo', (req, res) => res.json(req.body));
  app.listen(Number(process.env.PORT), '127.0.0.1');
`;

interface Subject {
  readonly name: string;
  readonly args: readonly string[];
  readonly env: Record<string, string>;
}

interface Sample {
  readonly readyMs: number;
  /** EARLY_MS after `/readyz`. */
  readonly earlyMiB: number;
  /** SETTLE_MS after `/readyz`. */
  readonly rssMiB: number;
}

const serveOf = (name: string, root: string, env: Record<string, string> = {}): Subject => ({
  name,
  args: [join(root, 'bin', 'trunkline.js'), 'serve'],
  env,
});

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', ...extra };
  for (const k of Object.keys(e)) if (k.startsWith('TRUNKLINE_') && !(k in extra)) delete e[k];
  return e;
}

/** The resident set of a process, from /proc (Linux). */
function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (!kb) throw new Error(`no VmRSS for ${pid}`);
  return Number(kb) / 1024;
}

async function measure(subject: Subject): Promise<Sample> {
  const dataDir = mkdtempSync(join(tmpdir(), 'trunkline-bench-footprint-'));
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [...SERVE_NODE_FLAGS, ...subject.args], {
    env: cleanEnv({ ...subject.env, TRUNKLINE_DATA_DIR: dataDir, PORT: String(port) }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  try {
    let readyMs = NaN;
    while (Number.isNaN(readyMs)) {
      if (child.exitCode !== null) throw new Error(`${subject.name} exited ${child.exitCode}: ${stderr}`);
      if (performance.now() - started > READY_TIMEOUT_MS) throw new Error(`${subject.name} not ready in ${READY_TIMEOUT_MS} ms`);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ready) readyMs = performance.now() - started;
      else await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, EARLY_MS));
    const earlyMiB = rssMiB(child.pid!);
    await new Promise((r) => setTimeout(r, SETTLE_MS - EARLY_MS));
    return { readyMs, earlyMiB, rssMiB: rssMiB(child.pid!) };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.js')], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('npm run build failed');
  const express: Subject = { name: 'express app', args: ['-e', EXPRESS_APP], env: {} };
  const before = process.env['BENCH_BEFORE'];
  const subjects: Subject[] = [
    serveOf('`serve` (projections in their thread, the default)', ROOT),
    serveOf('`serve` with `projections: run`', ROOT, { TRUNKLINE_PROJECTIONS: 'run' }),
    ...(before ? [serveOf(`\`serve\` of ${before}`, before)] : []),
  ];
  const samples = new Map<Subject, Sample[]>([express, ...subjects].map((s) => [s, []]));
  const loadBefore = loadavg()[0]!;
  for (let round = 0; round < RUNS; round++) {
    // alternating, so that a slower minute of the machine weighs on every subject alike
    const order = [express, ...subjects];
    for (const s of round % 2 ? order.reverse() : order) samples.get(s)!.push(await measure(s));
    console.log(`round ${round + 1}/${RUNS} done`);
  }
  const base = samples.get(express)!;
  const row = (s: Subject): string => {
    const mine = samples.get(s)!;
    const figure = (f: (x: Sample) => number, unit: string, digits: number, target?: number) => {
      const ratio = median(mine.map((x, i) => f(x) / f(base[i]!)));
      const verdict = target === undefined ? '' : ` (≤ ${target}×: ${ratio <= target ? 'met' : 'missed'})`;
      return `${median(mine.map(f)).toFixed(0)} ${unit} | ${ratio.toFixed(digits)}×${verdict}`;
    };
    return `| ${s.name} | ${figure((x) => x.earlyMiB, 'MiB', 2)} | ${figure((x) => x.rssMiB, 'MiB', 2, RSS_TARGET)} | ${figure((x) => x.readyMs, 'ms', 1)} |`;
  };
  const baseline = (f: (x: Sample) => number, unit: string) => `${median(base.map(f)).toFixed(0)} ${unit} | 1×`;
  const rows = [
    `| express app (the baseline) | ${baseline((x) => x.earlyMiB, 'MiB')} | ${baseline((x) => x.rssMiB, 'MiB')} | ${baseline((x) => x.readyMs, 'ms')} |`,
    ...subjects.map(row),
  ];
  // readiness is CPU-bound: on a busy machine every start is slower, the express app's too
  const load = `load average ${loadBefore.toFixed(1)} before the rounds, ${loadavg()[0]!.toFixed(1)} after`;
  console.log(load);
  const header = `| process | RSS ${EARLY_MS / 1000} s after \`/readyz\` | ratio | idle RSS, ${SETTLE_MS / 1000} s after | ratio | until \`/readyz\` is 200 | ratio |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |`;
  console.log([header, ...rows].join('\n'));
  if (before) return; // a comparison with another checkout is printed, never written
  writeSection(
    'footprint',
    `## Footprint: an idle \`serve\` against a bare express app

\`npm run bench:footprint\` (${machine()}). Whole processes started with \`npm start\`'s Node flags
(\`${SERVE_NODE_FLAGS.join(' ')}\`): the compiled \`serve\` on an empty SQLite data directory, and an
express 5 app with a JSON body parser and three routes, alternating, ${RUNS} rounds. The time until
\`/readyz\` answers 200, then the resident set size (VmRSS) after ${EARLY_MS / 1000} s and after ${SETTLE_MS / 1000} s of
idleness: the engine collects its garbage once when start-up is over, and V8's memory reducer
then hands back what start-up touched once each thread looks idle (8–32 s after \`/readyz\`
here). Medians;
each ratio is the median of the rounds' ratios to the express app of the same round (${load}).

${header}
${rows.join('\n')}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
