import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

const FILE = join(__dirname, '..', 'docs', 'benchmarks.md');

export function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

/** Replaces (or adds) a section of docs/benchmarks.md; with BENCH_WRITE=0 every bench only prints. Every other section is kept. */
export function writeSection(name: string, body: string): void {
  if (process.env['BENCH_WRITE'] === '0') return;
  const begin = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const current = existsSync(FILE)
    ? readFileSync(FILE, 'utf8')
    : '# Benchmarks\n\nEvery figure here is written by the command named in its section; rerun it to reproduce.\n';
  const section = `${begin}\n${body.trim()}\n${end}`;
  const pattern = new RegExp(`${begin}[\\s\\S]*?${end}`);
  writeFileSync(FILE, pattern.test(current) ? current.replace(pattern, section) : `${current.trimEnd()}\n\n${section}\n`);
}

export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** The value at quantile `q` (0–1) of an ascending list (nearest rank, rounding down); NaN when empty. */
export const percentile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
