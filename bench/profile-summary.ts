/**
 * Summarizes a V8 .cpuprofile (from BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"):
 * self time by function and inclusive time by source file, skipping the first `skip` seconds
 * (start-up). `npx tsx bench/profile-summary.ts /tmp/prof/CPU….cpuprofile [skipSeconds] [rows]`
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const [file, skipArg = '0', rowsArg = '25'] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: tsx bench/profile-summary.ts <file.cpuprofile> [skipSeconds] [rows]\n');
  process.exit(1);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const skip = Number(skipArg) * 1e6;
const time = new Map<number, number>();
let elapsed = 0;
let total = 0;
profile.samples.forEach((sample, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  elapsed += dt;
  if (elapsed <= skip) return;
  total += dt;
  time.set(sample, (time.get(sample) ?? 0) + dt);
});

const name = (n: ProfileNode) =>
  `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`;
const fileOf = (n: ProfileNode) => {
  const url = n.callFrame.url;
  const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `npm:${pkg[1]}`;
  const own = /\/(core|adapters|projections|plugins|bench|bin)\/.*$/.exec(url);
  return own ? own[0].slice(1).split('/').slice(0, 2).join('/') : url || n.callFrame.functionName || '(native)';
};

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, t] of time) {
  const node = byId.get(id)!;
  self.set(name(node), (self.get(name(node)) ?? 0) + t);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const f = fileOf(byId.get(cur)!);
    if (!seen.has(f)) inclusive.set(f, (inclusive.get(f) ?? 0) + t);
    seen.add(f);
  }
}

const rows = Number(rowsArg);
const top = (m: Map<string, number>) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, rows)
    .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`)
    .join('\n');
process.stdout.write(
  `${(total / 1e6).toFixed(1)} s of samples after the first ${skipArg} s\n\nself time by function\n${top(self)}\n\ninclusive time by source\n${top(inclusive)}\n`,
);
