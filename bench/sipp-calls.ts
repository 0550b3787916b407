import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/beds/free-port';
import { SIPP } from '../test/beds/sip-bed';

export interface Placed {
  /** Calls sipp completed (answered, talked, hung up). */
  readonly ok: number;
  readonly failed: number;
  /** From sipp's start to its exit: the last calls' talk time included. */
  readonly seconds: number;
}

/**
 * sipp placing `calls` calls of `talkMs` at `rate` a second (at most five seconds' worth open at
 * once) to `target` with `scenario` (sipp's own options: a scenario file and its keys, or `-sn
 * uac`), from a free loopback port; killed after three minutes. Call-IDs start with `tag`-.
 */
export async function placeCalls(options: {
  target: string;
  scenario: readonly string[];
  rate: number;
  calls: number;
  talkMs: number;
  tag: string;
}): Promise<Placed> {
  const port = await freePort();
  const args = [
    options.target,
    ...options.scenario,
    ...['-s', '+442079460000', '-d', String(options.talkMs), '-r', String(options.rate), '-m', String(options.calls)],
    ...['-l', String(options.rate * 5), '-i', '127.0.0.1', '-p', String(port), '-nostdin', '-timeout', '120s'],
    ...[
      '-cid_str',
      `${options.tag}-%u-%p@trunkline`,
      '-trace_err',
      '-error_file',
      join(tmpdir(), `trunkline-bench-sipp-${options.tag}.log`),
    ],
  ];
  const started = performance.now();
  const out = await new Promise<string>((resolve) => {
    const child = spawn(SIPP, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString()));
    child.stderr.on('data', (c: Buffer) => (text += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(text);
    });
  });
  return {
    ok: Number(/Successful call\s*\|\s*\d+\s*\|\s*(\d+)/.exec(out)?.[1] ?? NaN),
    failed: Number(/Failed call\s*\|\s*\d+\s*\|\s*(\d+)/.exec(out)?.[1] ?? NaN),
    seconds: (performance.now() - started) / 1000,
  };
}
