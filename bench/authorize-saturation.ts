/**
 * Authorize saturation against the machine's own limit: `trunkline serve` and a trivial express
 * echo server, each in its own process under the same native open-loop generator, alternated
 * round by round. Per target: p99 and CPU a request at 500/s offered, then a ladder of offered
 * rates until two in a row are not achieved (answered 200 at ≥ 95 % of the offer), then a
 * bisection between the highest rate achieved and the next rung; the saturation is the highest
 * rate achieved.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/beds/free-port';
import { procStat } from './proc-stat';
import { stopChild } from '../test/beds/stop-child';
import { HOOK_SECRET } from '../test/support/calls-engine';
import { ROOT, childEnv } from '../test/support/cli';
import { waitFor } from '../test/support/wait';
import { runLoadgen } from './native-loadgen';
import { percentile } from './report';
import { BENCH_NODE_ARGS, SERVE_NODE_FLAGS } from './serve-flags';

export const AUTHORIZE = '/v1/hooks/sip/authorize';
/** The offer is achieved when this share of it is answered 200 within the phase. */
export const ACHIEVED_SHARE = 0.95;
const STEP = 1.15;
export const FIRST_RATE = 1000;
const LAST_RATE = 20_000;
/** Misses in a row that end the ladder: one alone may be another process taking the cores for a moment. */
const MISSES = 2;
/**
 * Offers between the highest rung achieved and the next one, each halving the gap: the ladder's
 * 15 % steps alone made a ratio of two saturations jump by 0.07–0.1 between neighbouring rungs,
 * more than the differences worth telling apart. Three narrow it to 2 %.
 */
export const REFINEMENTS = 3;
/**
 * Seconds of 500/s before anything is measured. After a second at 200/s, much of the engine's
 * CPU at 500/s was V8's compiler threads still optimizing its code (the threads of the process
 * in /proc/<pid>/task show it), and the echo's too: figures of the warm-up, not of the server.
 * Ten seconds let both settle.
 */
export const WARM_SECONDS = 10;

export interface Served {
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

/** The process's CPU so far (every thread), in ms, from /proc: the same reading for every target. */
function cpuMs(pid: number): number {
  const stat = procStat(`/proc/${pid}/stat`);
  if (!stat) throw new Error(`process ${pid} is gone`);
  return stat.cpuMs;
}

/**
 * An express 5 app, in its own process, that parses the JSON body POSTed to `path` and answers it
 * back: the least a JSON endpoint can do in Node.
 */
export async function startEcho(path = AUTHORIZE): Promise<Served> {
  const port = await freePort();
  const code = `const express = require('express'); const app = express(); app.post('${path}', express.json(), (req, res) => res.json(req.body)); app.listen(${port}, '127.0.0.1');`;
  const child = spawn(process.execPath, ['-e', code], { cwd: ROOT, stdio: 'ignore' });
  await waitFor(
    async () => (await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST' }).catch(() => null))?.ok === true,
    10_000,
    'echo',
  );
  return { port, pid: child.pid!, stop: () => stopChild(child) };
}

/**
 * `trunkline serve` (the built CLI, as `npm start` runs it) on a fresh copy of a prepared data
 * directory, so every round starts from the same log; `root` serves another checkout's build.
 */
export async function startServe(prepared: string, root = ROOT): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-bench-sat-'));
  cpSync(prepared, dir, { recursive: true });
  const port = await freePort();
  const child = spawn(process.execPath, [...SERVE_NODE_FLAGS, ...BENCH_NODE_ARGS, join(root, 'bin', 'trunkline.js'), 'serve'], {
    cwd: root,
    env: childEnv({
      TRUNKLINE_DATA_DIR: dir,
      PORT: String(port),
      TRUNKLINE_SIP_HOOK_SECRET: HOOK_SECRET,
      TRUNKLINE_CALL_GRANT_SECONDS: '60',
      // BENCH_NO_PROJECTIONS=1: no projection thread competing for the two cores
      TRUNKLINE_PROJECTIONS: process.env['BENCH_NO_PROJECTIONS'] ? 'elsewhere' : 'worker',
    }),
    stdio: 'ignore',
  });
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.ok === true, 60_000, 'trunkline serve');
  return servedFrom(child, port, dir);
}

/** A target served by `child` on `port`, whose data directory `dir` goes with it. */
export function servedFrom(child: ChildProcess, port: number, dir: string): Served {
  return {
    port,
    pid: child.pid!,
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TargetFigures {
  /** The highest offered rate achieved (answered 200 at ≥ 95 %). */
  readonly saturation: number;
  readonly p99At500: number;
  readonly cpuMsAt500: number;
  readonly failedAt500: number;
}

/** Offers `served` authorize hooks from `callers` at a rate for some seconds: the native generator, 16 keep-alive connections. */
export const authorizations = (served: Served, callers: readonly string[], tag: string) => (rate: number, seconds: number, phase: string) =>
  runLoadgen({
    port: served.port,
    path: AUTHORIZE,
    bearer: HOOK_SECRET,
    rate,
    count: Math.round(rate * seconds),
    connections: 16,
    tag: `${tag}-${phase}`,
    callers,
  });

/** One round on one target: 500/s for `seconds`, then the ladder of `stepSeconds` each. */
export async function measure(
  served: Served,
  callers: readonly string[],
  tag: string,
  seconds: number,
  stepSeconds: number,
): Promise<TargetFigures> {
  const offer = authorizations(served, callers, tag);
  await offer(500, WARM_SECONDS, 'warm'); // connections, the JIT compiler, caches
  const cpuBefore = cpuMs(served.pid);
  const at500 = await offer(500, seconds, '500');
  const cpuMsAt500 = (cpuMs(served.pid) - cpuBefore) / at500.length;
  const latencies = at500.map((a) => a.ms).sort((a, b) => a - b);
  const achieves = async (rate: number) => {
    const answers = await offer(rate, stepSeconds, `sat-${rate}`);
    // from the first request's schedule to the last answer: the generator's own start-up is not the server's time
    const span = Math.max(...answers.map((a) => (a.index / rate) * 1000 + a.lateMs + a.ms)) / 1000;
    return answers.filter((a) => a.status === 200).length / span >= ACHIEVED_SHARE * rate;
  };
  let saturation = 0;
  let missed = 0;
  let misses = 0;
  for (let rate = FIRST_RATE; rate <= LAST_RATE; rate = Math.round(rate * STEP)) {
    if (await achieves(rate)) {
      saturation = rate;
      misses = 0;
    } else {
      if (rate > saturation && missed <= saturation) missed = rate;
      if (++misses === MISSES) break;
    }
  }
  // between the highest rung achieved and the one missed after it (none: the ladder's top held)
  if (saturation > 0 && missed > saturation)
    for (let i = 0; i < REFINEMENTS; i++) {
      const rate = Math.round((saturation + missed) / 2);
      if (await achieves(rate)) saturation = rate;
      else missed = rate;
    }
  return {
    saturation,
    p99At500: percentile(latencies, 0.99),
    cpuMsAt500,
    failedAt500: at500.filter((a) => a.status !== 200).length,
  };
}
