import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE = join(__dirname, 'native', 'loadgen.c');
const BINARY = join(__dirname, '..', '.tmp', 'loadgen');

/** Compiles bench/native/loadgen.c (with the machine's gcc) when the binary is missing or older. */
export function buildLoadgen(): string {
  if (existsSync(BINARY) && statSync(BINARY).mtimeMs >= statSync(SOURCE).mtimeMs) return BINARY;
  mkdirSync(join(BINARY, '..'), { recursive: true });
  try {
    execFileSync('gcc', ['-O2', '-Wall', '-o', BINARY, SOURCE, '-lpthread'], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    throw new Error(`bench: the load generator needs gcc (apt-get install gcc): ${(error as Error).message}`);
  }
  return BINARY;
}

export interface Answer {
  readonly index: number;
  readonly status: number;
  /** From the request written to the response read whole. */
  readonly ms: number;
  /** How late the request was written against its schedule (the generator's own lag). */
  readonly lateMs: number;
}

/** Offers `count` authorize hooks at `rate`/s over `connections` keep-alive connections; every answer. */
export function runLoadgen(options: {
  port: number;
  path: string;
  bearer: string;
  rate: number;
  count: number;
  connections: number;
  tag: string;
  callers: readonly string[];
}): Promise<Answer[]> {
  const args = [
    options.port,
    options.path,
    options.bearer,
    options.rate,
    options.count,
    options.connections,
    options.tag,
    ...options.callers,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(buildLoadgen(), args.map(String), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`loadgen exited ${code}: ${err.trim()}`));
      resolve(
        out
          .trim()
          .split('\n')
          .map((line) => {
            const [index, status, us, late] = line.split(' ').map(Number) as [number, number, number, number];
            return { index, status, ms: us / 1000, lateMs: late / 1000 };
          }),
      );
    });
  });
}
