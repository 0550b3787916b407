import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/beds/free-port';
import { median } from './compare';
import { machine, writeSection } from './report';
import { SERVE_NODE_FLAGS } from './serve-flags';

/**
 * How long the engine takes to start, as whole processes: the compiled build (dist/) against the
 * TypeScript sources through tsx (TRUNKLINE_FROM_SOURCE=1), alternating, the median of RUNS each.
 * `npm run build` first: the bench measures the dist/ that is there.
 */
const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin', 'trunkline.js');
const RUNS = Math.max(5, Number(process.env['BENCH_RUNS'] ?? 7));
const DECK = join(ROOT, 'test', 'fixtures', 'rating', 'decks', 'alpha-v1.csv');
const QUOTE = ['rates', 'quote', '--plan', 'retail', '--destination', '+442079460958', '--duration', '2m'];
const SERVE_TIMEOUT_MS = 60_000;

type Mode = 'compiled' | 'source';
const MODES: readonly Mode[] = ['compiled', 'source'];

function env(mode: Mode, dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', TRUNKLINE_DATA_DIR: dataDir, ...extra };
  for (const k of Object.keys(e)) if (k.startsWith('TRUNKLINE_') && k !== 'TRUNKLINE_DATA_DIR') delete e[k];
  if (mode === 'source') e['TRUNKLINE_FROM_SOURCE'] = '1';
  return e;
}

/** Runs one command to its end; its wall time in ms. */
function timeCommand(mode: Mode, args: readonly string[], dataDir: string): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { env: env(mode, dataDir), encoding: 'utf8', timeout: 60_000 });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`trunkline ${args.join(' ')} (${mode}) exited ${r.status}: ${r.stderr}`);
  return ms;
}

/** Starts serve on an empty data directory; the ms until /readyz answers 200. */
async function timeServe(mode: Mode): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'trunkline-bench-serve-'));
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [...SERVE_NODE_FLAGS, BIN, 'serve'], {
    env: env(mode, dataDir, { PORT: String(port) }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`serve (${mode}) exited ${child.exitCode}: ${stderr}`);
      if (performance.now() - started > SERVE_TIMEOUT_MS) throw new Error(`serve (${mode}) not ready in ${SERVE_TIMEOUT_MS} ms`);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ready) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface Case {
  readonly name: string;
  readonly targetMs: number;
  readonly run: (mode: Mode) => Promise<number>;
}

async function main(): Promise<void> {
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.js')], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('npm run build failed');
  // the quick-start deck, published once into a data directory every quote reads
  const deckDir = mkdtempSync(join(tmpdir(), 'trunkline-bench-deck-'));
  timeCommand('compiled', ['carriers', 'add', 'alpha', '--name', 'Alpha', '--currency', 'EUR', '--trunk', '127.0.0.1:5080/udp'], deckDir);
  timeCommand('compiled', ['carriers', 'import-deck', 'alpha', DECK], deckDir);

  const cases: Case[] = [
    { name: '`trunkline --help`', targetMs: 500, run: async (mode) => timeCommand(mode, ['--help'], deckDir) },
    { name: '`trunkline rates quote --plan retail …`', targetMs: 500, run: async (mode) => timeCommand(mode, QUOTE, deckDir) },
    { name: '`trunkline serve` until `/readyz` is 200', targetMs: 1500, run: timeServe },
  ];
  const rows: string[] = [];
  try {
    for (const c of cases) {
      const times: Record<Mode, number[]> = { compiled: [], source: [] };
      // alternating, so that a slower minute of the machine weighs on both alike
      for (let i = 0; i < RUNS; i++) for (const mode of i % 2 ? [...MODES].reverse() : MODES) times[mode].push(await c.run(mode));
      const compiled = median(times.compiled);
      const source = median(times.source);
      const verdict = compiled < c.targetMs ? 'met' : 'missed';
      rows.push(
        `| ${c.name} | ${Math.round(compiled)} | ${Math.round(source)} | ${(source / compiled).toFixed(1)}× | < ${c.targetMs} (${verdict}) |`,
      );
      console.log(rows.at(-1));
    }
  } finally {
    rmSync(deckDir, { recursive: true, force: true });
  }
  // BENCH_WRITE=0: print the figures, leave docs/benchmarks.md as it is
  if (process.env['BENCH_WRITE'] === '0') return;
  writeSection(
    'startup',
    `## Startup: compiled build against the sources through tsx

\`npm run bench:startup\` (${machine()}). Whole processes of \`bin/trunkline.js\`, the compiled
build (\`dist/\`, what \`npm start\` and \`npx trunkline\` run) and the sources through tsx
(\`TRUNKLINE_FROM_SOURCE=1\`) alternating, the median of ${RUNS} runs each, in ms. The quote reads the
quick-start deck (\`carriers import-deck alpha test/fixtures/rating/decks/alpha-v1.csv\`) from a
data directory prepared first; \`serve\` starts on an empty one, with \`npm start\`'s Node flags.

| command | compiled | from source | ratio | target (compiled) |
| --- | ---: | ---: | ---: | --- |
${rows.join('\n')}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
