/**
 * npm run bench:sms — segments counted per second (in process), then texts sent end to end:
 * signed POST /v1/sms → accepted (credit reserved) → rated → submitted over SMPP to an SMSC on
 * loopback (the `smpp` package's server, in this process) → charged; `trunkline serve` on the
 * embedded SQLite in its own process. Bounded in count and time; every text's billing checked
 * afterwards. Writes the "sms" section of docs/benchmarks.md (BENCH_SCALE=0.2 shortens it;
 * BENCH_WRITE=0 prints only).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { post } from './http-post';
import { join } from 'node:path';
import { BENCH_NODE_ARGS, SERVE_NODE_FLAGS } from './serve-flags';
import { PROJECTIONS_SETTING, type Placement } from './placement';
import Database from 'better-sqlite3';
import pino from 'pino';
import { signRequest } from '../adapters/http/signatures/sign-request';
import { loadConfig } from '../adapters/runtime/config';
import { createEngine } from '../adapters/runtime/engine';
import type { E164 } from '../core/e164';
import { segment } from '../core/sms/segments';
import { startSmsc } from '../test/beds/smsc';
import { freePort } from '../test/beds/free-port';
import { BIN, ROOT, childEnv } from '../test/support/cli';
import { signer, type Signer } from '../test/support/signed-fetch';
import { smsEngine } from '../test/support/sms-engine';
import { waitFor } from '../test/support/wait';
import { fmt, machine, percentile, writeSection } from './report';

const SCALE = Number(process.env['BENCH_SCALE'] ?? 1);
const ACCOUNTS = 200;
const TEXTS = Math.max(200, Math.round(6000 * SCALE));
const CONCURRENCY = [16, 64];
const MAX_SECONDS = 120;

const SAMPLES = [
  'Your code is 481516',
  'Meet at 7? I will bring the {snacks} & the €20 I owe you.',
  'a'.repeat(300),
  'Привет! Как дела? 👍🏽',
  'Das Paket ist unterwegs. Zustellung morgen zwischen 10 und 12 Uhr.',
];

function segmentsPerSecond(): { perSecond: number; segments: number } {
  const rounds = Math.round(200_000 * SCALE);
  let segments = 0;
  const start = performance.now();
  for (let i = 0; i < rounds; i++) segments += segment(SAMPLES[i % SAMPLES.length]!).segments;
  return { perSecond: rounds / ((performance.now() - start) / 1000), segments };
}

/**
 * Signed requests on keep-alive node:http, what a busy client backend would use. Each request is
 * signed before the clock starts: signing is the client device's work, and here it would take
 * the engine's cores (the engine still verifies every signature, and each nonce once).
 */
function smsClient(base: string) {
  const url = new URL(base);
  let agent = new Agent({ keepAlive: true, maxSockets: 128 });
  return {
    /**
     * New connections for the next phase: signing a phase's texts takes seconds, and a socket
     * left idle that long meets the server's keep-alive timeout (5 s) just as it is reused
     * ("socket hang up" at BENCH_SCALE=0.5, where the signing takes about that long).
     */
    reconnect() {
      agent.destroy();
      agent = new Agent({ keepAlive: true, maxSockets: 128 });
    },
    async sign(who: Signer, key: string, body: unknown) {
      const payload = Buffer.from(JSON.stringify(body));
      const headers = await signRequest(
        { method: 'POST', url: `${base}/v1/sms`, headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: payload },
        who.privateKey,
        who.keyid,
      );
      return { headers, payload };
    },
    send: (signed: { headers: Record<string, string>; payload: Buffer }) => post(agent, url, '/v1/sms', signed.headers, signed.payload),
  };
}

/**
 * The engine's own path without HTTP or signatures: engine.sms.send (accept, rate, reserve,
 * submit over SMPP, charge) from 64 concurrent callers, projections following on the same
 * event loop (as `serve` runs them with TRUNKLINE_PROJECTIONS=run). What a provider's own
 * backend calling the service would see.
 */
async function inProcess(dir: string, people: readonly Signer[]): Promise<string[]> {
  const config = loadConfig({ env: {}, flags: { dataDir: dir }, cwd: dir });
  const engine = await createEngine(config, { logger: pino({ level: 'silent' }) });
  const rows: string[] = [];
  try {
    await engine.runner.start();
    await engine.rating.sync();
    const texts = ['Your code is 481516', 'a'.repeat(200)];
    const send = (i: number, tag: string) =>
      engine.sms.send({ caller: people[i % ACCOUNTS]!.keyid as E164, to: '+447911123456', text: texts[i % 2]!, requestKey: `${tag}-${i}` });
    await Promise.all(Array.from({ length: 50 }, (_, i) => send(i, 'warm')));
    let next = 0;
    let submitted = 0;
    const deadline = performance.now() + MAX_SECONDS * 1000;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < TEXTS && performance.now() < deadline) if ((await send(next++, 'direct')).status === 'submitted') submitted++;
      }),
    );
    const perSecond = submitted / ((performance.now() - start) / 1000);
    process.stderr.write(`in process: ${fmt(perSecond)}/s\n`);
    rows.push(
      `| texts sent by the engine's service, in process (no HTTP, no signatures), 64 concurrent (${fmt(next)} texts) | ${fmt(perSecond)}/s | | | ${fmt(submitted)} submitted and charged |`,
    );
  } finally {
    await engine.close();
  }
  return rows;
}

/**
 * The texts through the signed API of `trunkline serve` on `dir`, at each concurrency. Apart:
 * serve with TRUNKLINE_PROJECTIONS=elsewhere and a `trunkline projector` process feeding the
 * read models, as a deployment that scales out runs it.
 */
async function overHttp(dir: string, people: readonly Signer[], label: string, placement: Placement): Promise<string[]> {
  const split = placement === 'apart';
  const port = await freePort();
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the engine under this load (summary: bench/profile-summary.ts)
  const env = { TRUNKLINE_DATA_DIR: dir, PORT: String(port), TRUNKLINE_PROJECTIONS: PROJECTIONS_SETTING[placement] };
  const server: ChildProcess = spawn(process.execPath, [...SERVE_NODE_FLAGS, ...BENCH_NODE_ARGS, BIN, 'serve'], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: 'ignore',
  });
  const projector: ChildProcess | null = split
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
    const texts = ['Your code is 481516', `${'a'.repeat(200)}`]; // 1 and 2 segments
    const tag = placement;
    // warm up: connections, the SMPP bind, JIT
    const warm = await Promise.all(
      people.slice(0, 50).map((p, i) => client.sign(p, `${tag}-warm-${i}`, { to: '+447911123456', text: 'warm' })),
    );
    await Promise.all(warm.map((w) => client.send(w)));
    for (const concurrency of CONCURRENCY) {
      const signed: Awaited<ReturnType<typeof client.sign>>[] = [];
      for (let i = 0; i < TEXTS; i++)
        signed.push(await client.sign(people[i % ACCOUNTS]!, `${tag}-c${concurrency}-${i}`, { to: '+447911123456', text: texts[i % 2]! }));
      client.reconnect();
      let next = 0;
      let accepted = 0;
      let errors = 0;
      const latencies: number[] = [];
      const deadline = performance.now() + MAX_SECONDS * 1000;
      const start = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < TEXTS && performance.now() < deadline) {
            const i = next++;
            const t = performance.now();
            const r = await client.send(signed[i]!);
            latencies.push(performance.now() - t);
            if (r.status === 202) accepted++;
            else errors++;
          }
        }),
      );
      const seconds = (performance.now() - start) / 1000;
      latencies.sort((a, b) => a - b);
      const p = (q: number) => percentile(latencies, q);
      process.stderr.write(
        `${label}, ${concurrency} concurrent: ${fmt(accepted / seconds)}/s, p50 ${p(0.5).toFixed(1)} ms, p99 ${p(0.99).toFixed(1)} ms, errors ${errors}\n`,
      );
      rows.push(
        `| texts sent end to end (${label}), ${concurrency} concurrent clients (${fmt(next)} texts, 1 or 2 segments) | ${fmt(accepted / seconds)}/s | ${p(0.5).toFixed(1)} ms | ${p(0.99).toFixed(1)} ms | ${fmt(accepted)} submitted and charged, ${fmt(errors)} errors |`,
      );
    }
  } finally {
    for (const child of [server, projector]) {
      if (!child) continue;
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    }
  }
  return rows;
}

async function main(): Promise<void> {
  const seg = segmentsPerSecond();
  process.stderr.write(`segments: ${fmt(seg.perSecond)} texts/s\n`);

  const people = Array.from({ length: ACCOUNTS }, (_, i) => signer(`+44207946${String(3000 + i).padStart(4, '0')}`));
  const bed = await smsEngine({ people, keepData: true });
  for (const p of people) await bed.fund(p.keyid, '1000');
  const dir = bed.engine.config.dataDir;
  await bed.close();

  const smsc = await startSmsc({ systemId: 'trunkline', password: 'secret' });
  const settings = {
    logLevel: 'warn',
    smsPerMinute: 1_000_000,
    smsPerDay: 1_000_000,
    pluginOptions: {
      pricing: { markupPercent: '50' },
      'sms-smpp': { gateways: [{ id: 'smsc-cheap', url: smsc.url, systemId: 'trunkline', password: 'secret', window: 200 }] },
    },
  };
  writeFileSync(join(dir, 'trunkline.json'), JSON.stringify(settings));
  const engineRows = await inProcess(dir, people);
  const rows: string[] = [];
  try {
    rows.push(...(await overHttp(dir, people, 'projection thread', 'thread')));
    rows.push(...(await overHttp(dir, people, 'projections in process', 'in-process')));
    rows.push(...(await overHttp(dir, people, 'projector apart', 'apart')));
  } finally {
    await smsc.close();
  }
  // the books afterwards, from the log: every text accepted was charged exactly once, none failed
  const db = new Database(join(dir, 'events.sqlite'), { readonly: true });
  const count = (type: string) => (db.prepare('SELECT count(*) AS n FROM events WHERE type = ?').get(type) as { n: number }).n;
  const [accepted, charged, failed] = [count('SmsAccepted'), count('SmsCharged'), count('SmsFailed')];
  db.close();
  if (accepted !== charged + failed || failed > 0)
    throw new Error(`billing check: ${accepted} accepted, ${charged} charged, ${failed} failed`);
  rows.push(
    `| billing check on the log (every phase) | | | | ${fmt(accepted)} texts accepted, ${fmt(charged)} charged once each, ${fmt(failed)} failed |`,
  );
  const body = [
    '## SMS: segmentation and sending (`npm run bench:sms`)',
    '',
    `${machine()}; \`trunkline serve\` (SQLite) in its own process ("projection thread": the default, its projections in a worker thread; "projections in process": TRUNKLINE_PROJECTIONS=run; "projector apart": with TRUNKLINE_PROJECTIONS=elsewhere and a \`trunkline projector\` process feeding the read models); the clients (node:http keep-alive; every request signed with Ed25519 per RFC 9421 before the phase's clock starts, as each client device signs its own, and verified by the engine) and the SMSC (the \`smpp\` package's server, SMPP 3.4 over loopback) in the bench process; ${ACCOUNTS} funded accounts; each text accepted (credit reserved), rated, submitted inside a window of 200 and charged before the answer. Scale ${SCALE}.`,
    '',
    '| what | rate | p50 | p99 | outcome |',
    '| --- | ---: | ---: | ---: | --- |',
    `| segments counted (segment(), a mix of GSM-7, extension, UCS-2 and emoji texts) | ${fmt(seg.perSecond)} texts/s | | | ${fmt(seg.segments)} segments |`,
    ...engineRows,
    ...rows,
  ].join('\n');
  if (process.env['BENCH_WRITE'] !== '0') writeSection('sms', body);
  process.stdout.write(`${body}\n`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`bench:sms: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
