/**
 * npm run bench:gc — what the authorization path leaves to the garbage collector: an engine in
 * a child process (`npm start`'s Node flags and --trace-gc-nvp; the app and its hooks, no live
 * projections or jobs, so the figures are the hook path's own) is offered 500
 * authorizations a second for 10 s by the native load generator (loopback, bounded), and V8's
 * own account of each scavenge in that window is summed: bytes promoted to the old generation
 * per authorization (what makes scavenges long: every open call's record is copied there),
 * scavenges and their pauses, mark-compacts; and what each of those calls, still open, holds
 * (heap used after full GCs, before and after). Each run alternated with an express echo in the
 * same harness (the same flags, load and window): the engine's figures beside the echo's, with
 * the median of the per-run ratios. Three runs by default (BENCH_RUNS, at least 3). Prints; writes
 * nothing (docs/architecture.md quotes it with the command). BENCH_NODE_ARGS adds Node flags after
 * npm start's (BENCH_START_FLAGS=0 drops those): how another young generation would fare.
 */
import { fundedCallers } from './funded-callers';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BENCH_NODE_ARGS, SERVE_NODE_FLAGS } from './serve-flags';
import { runLoadgen } from './native-loadgen';
import express from 'express';
import { HOOK_SECRET } from '../test/support/calls-engine';
import { listen } from '../test/support/listen';
import { alternate, median, ratioOf } from './compare';

const NODE_FLAGS = [...SERVE_NODE_FLAGS, ...BENCH_NODE_ARGS];
const RATE = 500;
const COUNT = 5000;
const START = 'promotion: measuring';
const END = 'promotion: measured';

function heapAfterFullGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the child runs with --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** The child: an in-process engine with 200 funded accounts, warmed, then the measured offer. */
async function child(): Promise<void> {
  const { bed, people } = await fundedCallers(200, { config: { callGrantSeconds: 60 } });
  try {
    const port = Number(new URL(bed.base).port);
    const offer = (rate: number, count: number, tag: string) =>
      runLoadgen({
        port,
        path: '/v1/hooks/sip/authorize',
        bearer: HOOK_SECRET,
        rate,
        count,
        connections: 16,
        tag,
        callers: people.map((p) => p.keyid),
      });
    await offer(300, 1500, 'warm'); // JIT, caches
    process.stdout.write(`${START}\n`);
    const answers = await offer(RATE, COUNT, 'measured');
    process.stdout.write(`${END}\n`);
    // then what open calls hold: as many again (no CDR comes), the heap after full GCs before
    // and after them; outside the window above, whose scavenges the forced GCs would change
    const heldBefore = heapAfterFullGc();
    await offer(RATE, COUNT, 'held');
    process.stdout.write(`held=${heapAfterFullGc() - heldBefore}\n`);
    const refused = answers.filter((a) => a.status !== 200).length;
    if (refused > 0) throw new Error(`${refused} authorizations were not allowed`);
  } finally {
    await bed.close();
  }
}

/**
 * The baseline's child: the express echo (express 5, `express.json()` and `res.json(body)` on the
 * authorize path) in process, offered the same load with the same markers; nothing is held.
 */
async function echoChild(): Promise<void> {
  const app = express();
  app.post('/v1/hooks/sip/authorize', express.json(), (req, res) => void res.json(req.body as unknown));
  const { base, close } = await listen(app);
  try {
    const offer = (rate: number, count: number, tag: string) =>
      runLoadgen({
        port: Number(new URL(base).port),
        path: '/v1/hooks/sip/authorize',
        bearer: HOOK_SECRET,
        rate,
        count,
        connections: 16,
        tag,
        callers: ['+442079462000'],
      });
    await offer(300, 1500, 'warm');
    process.stdout.write(`${START}\n`);
    await offer(RATE, COUNT, 'measured');
    process.stdout.write(`${END}\nheld=0\n`);
  } finally {
    await close();
  }
}

interface Run {
  readonly scavenges: number;
  readonly pauseMs: number;
  readonly maxPauseMs: number;
  readonly promotedPerCall: number;
  readonly allocatedPerCall: number;
  readonly markCompacts: number;
  readonly markCompactMs: number;
  readonly heldPerCall: number;
}

/** Sums the --trace-gc-nvp lines printed between the two markers. */
export function summarize(output: string): Run {
  const lines = output.split('\n');
  const from = lines.indexOf(START);
  const to = lines.indexOf(END);
  if (from < 0 || to < 0) throw new Error(`bench:gc: the engine did not finish its run:\n${output.slice(-2000)}`);
  let scavenges = 0;
  let pauseMs = 0;
  let maxPauseMs = 0;
  let promoted = 0;
  let allocated = 0;
  let markCompacts = 0;
  let markCompactMs = 0;
  for (const line of lines.slice(from + 1, to)) {
    const field = (name: string) => Number(new RegExp(`\\b${name}=([\\d.]+)`).exec(line)?.[1] ?? 0);
    if (/\bgc=s\b/.test(line)) {
      scavenges += 1;
      pauseMs += field('pause');
      maxPauseMs = Math.max(maxPauseMs, field('pause'));
      promoted += field('promoted');
      allocated += field('allocated');
    } else if (/\bgc=(mc|ms)\b/.test(line)) {
      markCompacts += 1;
      markCompactMs += field('pause');
    }
  }
  const held = Number(/^held=(-?\d+)$/m.exec(output)?.[1] ?? NaN);
  return {
    scavenges,
    pauseMs,
    maxPauseMs,
    promotedPerCall: promoted / COUNT,
    allocatedPerCall: allocated / COUNT,
    markCompacts,
    markCompactMs,
    heldPerCall: held / COUNT,
  };
}

function runOnce(target: 'child' | 'echo'): Promise<Run> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      [...NODE_FLAGS, '--trace-gc-nvp', '--expose-gc', '-r', 'tsx/cjs', join(__dirname, 'promotion.ts'), target],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    proc.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    proc.once('error', reject);
    proc.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`bench:gc: the engine exited ${code}`));
      try {
        resolve(summarize(out));
      } catch (error) {
        reject(error);
      }
    });
  });
}

const describe = (r: Run) =>
  `promoted ${r.promotedPerCall.toFixed(0)} B per authorization, allocated ${(r.allocatedPerCall / 1024).toFixed(1)} KB; ` +
  `${r.scavenges} scavenges, ${r.pauseMs.toFixed(0)} ms in all (${(r.pauseMs / Math.max(1, r.scavenges)).toFixed(1)} ms each on average, longest ${r.maxPauseMs.toFixed(1)} ms); ${r.markCompacts} mark-compacts (${r.markCompactMs.toFixed(0)} ms)`;

async function main(): Promise<void> {
  if (process.argv[2] === 'child') return child();
  if (process.argv[2] === 'echo') return echoChild();
  const runs = Math.max(3, Math.min(10, Number(process.env['BENCH_RUNS'] ?? 3)));
  process.stdout.write(
    `${RATE} authorizations/s for ${COUNT / RATE} s, in-process engine (${NODE_FLAGS.join(' ') || 'default flags'}), alternated with an in-process express echo under the same load and flags:\n`,
  );
  const figures = await alternate(runs, { echo: () => runOnce('echo'), engine: () => runOnce('child') }, (round, r) =>
    process.stdout.write(
      `run ${round}: engine ${describe(r.engine)}; an open call holds ${r.engine.heldPerCall.toFixed(0)} B\n       echo   ${describe(r.echo)}\n`,
    ),
  );
  const pick = (f: (r: Run) => number) => ({ engine: figures.engine.map(f), echo: figures.echo.map(f) });
  for (const [what, f, show] of [
    ['promoted per authorization', (r: Run) => r.promotedPerCall, (n: number) => `${n.toFixed(0)} B`],
    ['allocated per authorization', (r: Run) => r.allocatedPerCall, (n: number) => `${(n / 1024).toFixed(1)} KB`],
    ['scavenge pauses in all', (r: Run) => r.pauseMs, (n: number) => `${n.toFixed(0)} ms`],
  ] as const) {
    const p = pick(f);
    process.stdout.write(
      `${what}: engine ${show(median(p.engine))}, echo ${show(median(p.echo))}, × ${ratioOf(p.engine, p.echo).toFixed(2)} (median of per-run ratios)\n`,
    );
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`bench:gc: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
