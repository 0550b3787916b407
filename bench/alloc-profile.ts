/**
 * npm run bench:alloc [authorize|cdr] — what the money path allocates: V8's sampling heap
 * profiler (objects already collected by scavenges included) over 3,000 authorizations, or
 * authorizations each followed by its CDR, through the SIP hooks of an in-process engine, by the
 * innermost frame of Trunkline's own code. MINOR=0 counts only what survived a scavenge (what
 * makes the pauses long). Prints; writes nothing. The load generator's share shows as bench/ frames.
 */
import { fundedCallers } from './funded-callers';
import { Agent } from 'node:http';
import { Session } from 'node:inspector/promises';
import { post } from './http-post';
import { HOOK_SECRET } from '../test/support/calls-engine';

interface ProfileNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly ProfileNode[];
}

const CALLS = 3000;
const OWN = /(adapters|core|projections|plugins|bench)\//;

async function main(): Promise<void> {
  const mode = process.argv[2] === 'cdr' ? 'cdr' : 'authorize';
  const { bed, people } = await fundedCallers(200, { config: { callGrantSeconds: 60 } });
  try {
    const url = new URL(bed.base);
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${HOOK_SECRET}` };
    const hook = (path: string, body: unknown) => post(agent, url, `/v1/hooks/sip/${path}`, headers, Buffer.from(JSON.stringify(body)));
    const run = async (tag: string, n: number) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (next < n) {
            const i = next++;
            const caller = people[i % people.length]!.keyid;
            const r = await hook('authorize', { call_id: `${tag}-${i}`, caller, callee: '+442079460000' });
            if (r.status !== 200) throw new Error(`authorize answered ${r.status}: ${r.body}`);
            if (mode === 'cdr')
              await hook('cdr', {
                call_id: `${tag}-${i}`,
                caller,
                disposition: 'ANSWERED',
                answer_ts: 1_796_000_000,
                end_ts: 1_796_000_037.4,
              });
          }
        }),
      );
    };
    await run('warm', 1000); // JIT, caches
    const session = new Session();
    session.connect();
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: process.env['MINOR'] !== '0',
    });
    await run('measured', CALLS);
    // what the last scavenges have not looked at yet would count as surviving: two minor GCs
    // (an object is promoted on its second) leave in the profile only what really survived
    const gc = (globalThis as { gc?: (o: { type: 'minor' }) => void }).gc;
    if (process.env['MINOR'] === '0') {
      if (!gc) throw new Error('MINOR=0 needs node --expose-gc (npm run bench:alloc passes it)');
      gc({ type: 'minor' });
      gc({ type: 'minor' });
    }
    const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: ProfileNode } };
    session.disconnect();

    const byOwnFrame = new Map<string, number>();
    let total = 0;
    const walk = (node: ProfileNode, stack: readonly string[]) => {
      const f = node.callFrame;
      // tsx compiles each file to a line or two: the file and function say more than a line number
      const frame = `${f.functionName || '(anonymous)'} ${f.url.replace('file://', '').replace(`${process.cwd()}/`, '')}`;
      const here = OWN.test(f.url) && !f.url.includes('node_modules') ? [...stack, frame] : stack;
      if (node.selfSize > 0) {
        total += node.selfSize;
        const own = here.at(-1) ?? '(node and libraries only)';
        byOwnFrame.set(own, (byOwnFrame.get(own) ?? 0) + node.selfSize);
      }
      for (const child of node.children) walk(child, here);
    };
    walk(profile.head, []);
    const kb = (bytes: number) => (bytes / CALLS / 1024).toFixed(2).padStart(7);
    process.stdout.write(
      `${mode}: ${(total / 1024 / 1024).toFixed(1)} MB sampled over ${CALLS} calls = ${kb(total).trim()} KB each` +
        `${process.env['MINOR'] === '0' ? ' (survivors of a scavenge only)' : ''}\n`,
    );
    for (const [frame, bytes] of [...byOwnFrame].sort((a, b) => b[1] - a[1]).slice(0, 25))
      process.stdout.write(`${kb(bytes)} KB  ${frame}\n`);
  } finally {
    await bed.close();
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`bench:alloc: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
