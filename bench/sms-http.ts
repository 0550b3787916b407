import { spawn } from 'node:child_process';
import { Agent } from 'node:http';
import { signRequest } from '../adapters/http/signatures/sign-request';
import { freePort } from '../test/beds/free-port';
import { stopChild } from '../test/beds/stop-child';
import { BIN, ROOT, childEnv } from '../test/support/cli';
import type { Signer } from '../test/support/signed-fetch';
import { waitFor } from '../test/support/wait';
import type { Served } from './authorize-saturation';
import { alternate, beside, chunks, versus } from './compare';
import { post } from './http-post';
import { PROJECTIONS_SETTING, type Placement } from './placement';
import { fmt, percentile } from './report';
import { BENCH_NODE_ARGS, SERVE_NODE_FLAGS } from './serve-flags';

const MAX_SECONDS = 120;
type Signed = { headers: Record<string, string>; payload: Buffer };

/**
 * Signed requests on keep-alive node:http, what a busy client backend would use. Each request is
 * signed before the clock starts: signing is the client device's work, and here it would take
 * the engine's cores (the engine still verifies every signature, and each nonce once).
 */
export function smsClient(base: string) {
  const url = new URL(base);
  let agent = new Agent({ keepAlive: true, maxSockets: 128 });
  return {
    /**
     * New connections for the next phase: signing a phase's texts takes seconds, and a socket
     * left idle that long meets the server's keep-alive timeout (5 s) just as it is reused.
     */
    reconnect() {
      agent.destroy();
      agent = new Agent({ keepAlive: true, maxSockets: 128 });
    },
    async sign(who: Signer, key: string, body: unknown): Promise<Signed> {
      const payload = Buffer.from(JSON.stringify(body));
      const headers = await signRequest(
        { method: 'POST', url: `${base}/v1/sms`, headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: payload },
        who.privateKey,
        who.keyid,
      );
      return { headers, payload };
    },
    send: (signed: Signed) => post(agent, url, '/v1/sms', signed.headers, signed.payload),
  };
}
type Client = ReturnType<typeof smsClient>;

interface Sent {
  perSecond: number;
  accepted: number;
  errors: number;
  /** The statuses other than the success's, and how many of each. */
  refused: Map<number, number>;
  p50: number;
  p99: number;
}

/** Sends `signed` from `concurrency` clients (bounded: MAX_SECONDS); `ok` is the status a success answers. */
async function sendAll(client: Client, signed: readonly Signed[], concurrency: number, ok: number): Promise<Sent> {
  client.reconnect();
  let next = 0;
  let accepted = 0;
  let errors = 0;
  const refused = new Map<number, number>();
  const latencies: number[] = [];
  const deadline = performance.now() + MAX_SECONDS * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < signed.length && performance.now() < deadline) {
        const t = performance.now();
        const r = await client.send(signed[next++]!);
        latencies.push(performance.now() - t);
        if (r.status === ok) accepted++;
        else {
          errors++;
          refused.set(r.status, (refused.get(r.status) ?? 0) + 1);
        }
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: accepted / seconds, accepted, errors, refused, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}

/**
 * The texts through the signed API of `trunkline serve` on `dir`, at each concurrency, alternated
 * in `rounds` with the same requests to `echo` (an express echo of POST /v1/sms in its own
 * process): each round a share of the texts to the echo, then the same share to the engine.
 * Apart: serve with TRUNKLINE_PROJECTIONS=elsewhere and a `trunkline projector` process feeding
 * the read models, as a deployment that scales out runs it.
 */
export async function overHttp(options: {
  dir: string;
  people: readonly Signer[];
  label: string;
  placement: Placement;
  echo: Served;
  texts: number;
  concurrencies: readonly number[];
  rounds: number;
}): Promise<string[]> {
  const { dir, people, label, placement } = options;
  const port = await freePort();
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the engine under this load (summary: bench/profile-summary.ts)
  const env = { TRUNKLINE_DATA_DIR: dir, PORT: String(port), TRUNKLINE_PROJECTIONS: PROJECTIONS_SETTING[placement] };
  const server = spawn(process.execPath, [...SERVE_NODE_FLAGS, ...BENCH_NODE_ARGS, BIN, 'serve'], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: 'ignore',
  });
  const projector =
    placement === 'apart'
      ? spawn(process.execPath, [...SERVE_NODE_FLAGS, BIN, 'projector'], {
          cwd: ROOT,
          env: childEnv({ TRUNKLINE_DATA_DIR: dir }),
          stdio: 'ignore',
        })
      : null;
  const rows: string[] = [];
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => null))?.ok === true, 60_000, 'trunkline serve');
    const client = smsClient(base);
    const echo = smsClient(`http://127.0.0.1:${options.echo.port}`);
    const bodies = ['Your code is 481516', `${'a'.repeat(200)}`]; // 1 and 2 segments
    // warm up: connections, the SMPP bind, JIT
    const warm = await Promise.all(
      people.slice(0, 50).map((p, i) => client.sign(p, `${placement}-warm-${i}`, { to: '+447911123456', text: 'warm' })),
    );
    await Promise.all(warm.map((w) => client.send(w)));
    await sendAll(echo, warm, 16, 200);
    for (const concurrency of options.concurrencies) {
      const signed: Signed[] = [];
      for (let i = 0; i < options.texts; i++)
        signed.push(
          await client.sign(people[i % people.length]!, `${placement}-c${concurrency}-${i}`, { to: '+447911123456', text: bodies[i % 2]! }),
        );
      const shares = chunks(signed, options.rounds);
      const runs: Record<'echo' | 'engine', Sent[]> = { echo: [], engine: [] };
      const rates = await alternate(
        shares.length,
        {
          echo: async (round) => (runs.echo[round] = await sendAll(echo, shares[round]!, concurrency, 200)).perSecond,
          engine: async (round) => (runs.engine[round] = await sendAll(client, shares[round]!, concurrency, 202)).perSecond,
        },
        (round, f) =>
          process.stderr.write(
            `${label}, ${concurrency} concurrent, round ${round}: ${fmt(f.engine)}/s, echo ${fmt(f.echo)}/s (× ${(f.engine / f.echo).toFixed(2)})\n`,
          ),
      );
      const of = (who: 'echo' | 'engine', pick: (s: Sent) => number) => runs[who].map(pick);
      const ms = (n: number) => `${n.toFixed(1)} ms`;
      const sum = (pick: (s: Sent) => number) => runs.engine.reduce((n, s) => n + pick(s), 0);
      const statuses = new Map<number, number>();
      for (const s of runs.engine) for (const [status, n] of s.refused) statuses.set(status, (statuses.get(status) ?? 0) + n);
      const why = statuses.size ? ` (${[...statuses].map(([status, n]) => `${fmt(n)} answered ${status}`).join(', ')})` : '';
      rows.push(
        `| texts sent end to end (${label}), ${concurrency} concurrent clients (${fmt(signed.length)} texts, 1 or 2 segments) | ${versus(rates.engine, rates.echo, (n) => `${fmt(n)}/s`)} | ${beside(
          of('engine', (s) => s.p50),
          of('echo', (s) => s.p50),
          ms,
          'echo',
        )} | ${beside(
          of('engine', (s) => s.p99),
          of('echo', (s) => s.p99),
          ms,
          'echo',
        )} | ${fmt(sum((s) => s.accepted))} submitted and charged, ${fmt(sum((s) => s.errors))} errors${why} |`,
      );
    }
  } finally {
    await stopChild(server);
    if (projector) await stopChild(projector);
  }
  return rows;
}
