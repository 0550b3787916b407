/**
 * npm run bench:threads — where an authorization's CPU goes, thread by thread. `trunkline serve`
 * (projections in their thread, the default) and the express echo, each on its own, take 500/s for
 * WARM_SECONDS (as bench:calls' saturation rounds do), then each offered rate of BENCH_THREAD_RATES
 * (default 500 and 3,000/s) for SECONDS from the native load generator. Every thread's CPU over
 * that phase (user and system time, /proc/<pid>/task/<tid>/stat) divided by the requests: the
 * serving thread (the process's first), the projection thread (the one at nice 10) and the rest
 * (V8's compiler and collector helpers, libuv's pool); and each thread's write system calls and
 * bytes (/proc/<pid>/task/<tid>/io), which count the SQLite files' WAL frames beside the socket
 * writes. BENCH_ROUNDS rounds (at least 3), each the echo and then `serve`, every other round in
 * the reverse order; medians, and each process's total against the echo's of the same round. Writes
 * the "threads" section of docs/benchmarks.md (BENCH_WRITE=0 prints only). BENCH_BEFORE=<another
 * checkout, built> adds its `serve` to every round, after the echo (BENCH_BEFORE_LABEL names its
 * rows), and prints only.
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WARM_SECONDS, authorizations, startEcho, startServe, type Served } from './authorize-saturation';
import { benchConfig } from './bench-config';
import { benchRounds, median } from './compare';
import { fundedCallers } from './funded-callers';
import { procStat } from './proc-stat';
import { procWrites } from './proc-io';
import { fmt, machine, writeSection } from './report';

const RATES = (process.env['BENCH_THREAD_RATES'] ?? '500,3000').split(',').map(Number);
const SECONDS = 6;
const ROUNDS = benchRounds();
const ACCOUNTS = 200;
const BEFORE = process.env['BENCH_BEFORE'];
const BEFORE_LABEL = process.env['BENCH_BEFORE_LABEL'] ?? 'Trunkline before';

type Role = 'serving' | 'projection' | 'other';
/** By thread role: CPU ms (user and system time), write system calls and the bytes they wrote. */
interface Use {
  user: number;
  system: number;
  writes: number;
  written: number;
}
type Split = Record<Role, Use>;

const nothing = (): Use => ({ user: 0, system: 0, writes: 0, written: 0 });
const emptySplit = (): Split => ({ serving: nothing(), projection: nothing(), other: nothing() });

/** Every thread of `pid` now, by id: its role, CPU and writes so far. */
function threads(pid: number): Map<string, Use & { role: Role }> {
  const out = new Map<string, Use & { role: Role }>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = procStat(`/proc/${pid}/task/${tid}/stat`); // null: the thread ended meanwhile
    if (!stat) continue;
    // the projection thread lowers its own priority to nice 10 (adapters/runtime/thread-priority.ts); no other thread does
    const role: Role = tid === String(pid) ? 'serving' : stat.nice === 10 ? 'projection' : 'other';
    const io = procWrites(`/proc/${pid}/task/${tid}/io`);
    if (!io) {
      // a thread that ended between the two files is skipped, as above; the serving thread's must be there
      if (tid === String(pid)) throw new Error(`cannot read /proc/${pid}/task/${tid}/io`);
      continue;
    }
    out.set(tid, { role, user: stat.userMs, system: stat.systemMs, writes: io.calls, written: io.bytes });
  }
  return out;
}

/** What each role's threads used between two readings, per request. */
function perRequest(before: ReturnType<typeof threads>, after: ReturnType<typeof threads>, requests: number): Split {
  const split = emptySplit();
  for (const [tid, t] of after) {
    const b = before.get(tid) ?? nothing();
    split[t.role].user += (t.user - b.user) / requests;
    split[t.role].system += (t.system - b.system) / requests;
    split[t.role].writes += (t.writes - b.writes) / requests;
    split[t.role].written += (t.written - b.written) / requests;
  }
  return split;
}

const total = (s: Split) => Object.values(s).reduce((n, r) => n + r.user + r.system, 0);

/** One target: warmed, then each rate in turn; the split per rate. */
async function measure(served: Served, callers: readonly string[], tag: string): Promise<Split[]> {
  const offer = authorizations(served, callers, tag);
  await offer(500, WARM_SECONDS, 'warm');
  const splits: Split[] = [];
  for (const rate of RATES) {
    const before = threads(served.pid);
    const answers = await offer(rate, SECONDS, String(rate));
    const failed = answers.filter((a) => a.status !== 200).length;
    if (failed > 0) throw new Error(`${tag} at ${rate}/s: ${failed} of ${answers.length} not 200`);
    splits.push(perRequest(before, threads(served.pid), answers.length));
  }
  return splits;
}

async function main(): Promise<void> {
  const { bed, people } = await fundedCallers(ACCOUNTS, { keepData: true });
  const prepared = bed.engine.config.dataDir;
  await bed.close();
  writeFileSync(join(prepared, 'trunkline.json'), JSON.stringify(benchConfig()));
  const callers = people.map((p) => p.keyid);
  const targets: [string, () => Promise<Served>][] = [
    ['express echo', () => startEcho()],
    ...(BEFORE ? ([[BEFORE_LABEL, () => startServe(prepared, BEFORE)]] as [string, () => Promise<Served>][]) : []),
    ['Trunkline', () => startServe(prepared)],
  ];
  const rounds = new Map<string, Split[][]>(targets.map(([name]) => [name, []]));
  try {
    for (let round = 1; round <= ROUNDS; round++)
      for (const [name, start] of round % 2 ? targets : [...targets].reverse()) {
        const served = await start();
        try {
          const splits = await measure(served, callers, `r${round}-${name.replace(/\W/g, '')}`);
          rounds.get(name)!.push(splits);
          process.stderr.write(
            `round ${round} ${name}: ${RATES.map((r, i) => `${fmt(r)}/s ${total(splits[i]!).toFixed(3)} ms a request`).join(', ')}\n`,
          );
        } finally {
          await served.stop();
        }
      }
  } finally {
    rmSync(prepared, { recursive: true, force: true });
  }
  const ms = (n: number) => `${n.toFixed(3)} ms`;
  const calls = (n: number) => n.toFixed(1);
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const echo = rounds.get('express echo')!;
  const servers = targets.map(([name]) => name).filter((name) => name !== 'express echo');
  const rows = RATES.flatMap((rate, i) => {
    const at = (splits: Split[][]) => splits.map((r) => r[i]!);
    const every = (s: Split, key: keyof Use) => s.serving[key] + s.projection[key] + s.other[key];
    const echoRow = (key: keyof Use) => median(at(echo).map((s) => every(s, key)));
    return [
      `| ${fmt(rate)}/s | express echo, every thread | ${ms(echoRow('user'))} | ${ms(echoRow('system'))} | ${ms(median(at(echo).map(total)))} | ${calls(echoRow('writes'))} | ${kib(echoRow('written'))} | × 1 |`,
      ...servers.flatMap((name) => {
        const mine = at(rounds.get(name)!);
        const who = name === 'Trunkline' ? '`serve`' : name;
        const roleRow = (role: Role, label: string) => {
          const of = (key: keyof Use) => median(mine.map((s) => s[role][key]));
          return `| ${fmt(rate)}/s | ${who}: ${label} | ${ms(of('user'))} | ${ms(of('system'))} | ${ms(of('user') + of('system'))} | ${calls(of('writes'))} | ${kib(of('written'))} | |`;
        };
        const ratio = median(mine.map((s, r) => total(s) / total(at(echo)[r]!)));
        const all = (key: keyof Use) => median(mine.map((s) => every(s, key)));
        return [
          roleRow('serving', 'serving thread'),
          roleRow('projection', 'projection thread'),
          roleRow('other', 'V8 and libuv helpers'),
          `| ${fmt(rate)}/s | ${who}, every thread | | | ${ms(median(mine.map(total)))} | ${calls(all('writes'))} | ${kib(all('written'))} | × ${ratio.toFixed(2)} |`,
        ];
      }),
    ];
  });
  const body = [
    "## Threads: where an authorization's CPU goes (`npm run bench:threads`)",
    '',
    `${machine()}. \`trunkline serve\` (the compiled build, \`npm start\`'s Node flags, projections in their thread) on a copy of a data directory with ${ACCOUNTS} funded accounts, and an express 5 echo of the authorize body, each in its own process, ${ROUNDS} rounds alternated (every other round in the reverse order). Each took 500/s for ${WARM_SECONDS} s first, measured by nothing, then each rate for ${SECONDS} s from the native load generator (16 keep-alive connections, every answer a 200). CPU from /proc/<pid>/task/<tid>/stat over each phase, divided by its requests; medians of the rounds. The serving thread is the process's first, the projection thread the one at nice 10, the rest V8's compiler and collector helpers and libuv's pool. System time is the kernel's work for the thread: socket reads and writes, and the SQLite files' WAL writes and checkpoints. Write calls and bytes are the thread's write system calls (write, writev, pwrite: to sockets and files alike) and what they passed, from /proc/<pid>/task/<tid>/io (\`syscw\`, \`wchar\`), per request.`,
    '',
    '| offered | thread | user a request | system a request | CPU a request | write calls a request | bytes written a request | process against the echo |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
  process.stdout.write(`${body}\n`);
  if (!BEFORE) writeSection('threads', body);
}

void main()
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    process.stderr.write(`bench:threads: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
