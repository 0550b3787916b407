/**
 * npm run bench:sms — segments counted per second (in process), then texts sent end to end:
 * signed POST /v1/sms → accepted (credit reserved) → rated → submitted over SMPP to an SMSC on
 * loopback (the `smpp` package's server, in this process) → charged; `trunkline serve` on the
 * embedded SQLite in its own process (bench/sms-http.ts), alternated in BENCH_ROUNDS rounds (at
 * least 3) with the same signed requests to an express echo of POST /v1/sms in its own process:
 * medians and the median of the per-round ratios. Bounded in count and time; every text's billing
 * checked afterwards. Writes the "sms" section of docs/benchmarks.md (BENCH_SCALE=0.2 shortens it;
 * BENCH_WRITE=0 prints only).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { loadConfig } from '../adapters/runtime/config';
import { createEngine } from '../adapters/runtime/engine';
import type { E164 } from '../core/e164';
import { segment } from '../core/sms/segments';
import { startSmsc } from '../test/beds/smsc';
import { signer, type Signer } from '../test/support/signed-fetch';
import { smsEngine } from '../test/support/sms-engine';
import { startEcho } from './authorize-saturation';
import { benchRounds } from './compare';
import { fmt, machine, writeSection } from './report';
import { overHttp } from './sms-http';

const SCALE = Number(process.env['BENCH_SCALE'] ?? 1);
const ACCOUNTS = 200;
const TEXTS = Math.max(200, Math.round(6000 * SCALE));
const CONCURRENCY = [16, 64];
const MAX_SECONDS = 120;
const ROUNDS = benchRounds();

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
      `| texts sent by the engine's service, in process (no HTTP, no signatures), 64 concurrent (${fmt(next)} texts) | ${fmt(perSecond)}/s | | | | | ${fmt(submitted)} submitted and charged |`,
    );
  } finally {
    await engine.close();
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
  const echo = await startEcho('/v1/sms');
  try {
    const common = { dir, people, echo, texts: TEXTS, concurrencies: CONCURRENCY, rounds: ROUNDS };
    rows.push(...(await overHttp({ ...common, label: 'projection thread', placement: 'thread' })));
    rows.push(...(await overHttp({ ...common, label: 'projections in process', placement: 'in-process' })));
    rows.push(...(await overHttp({ ...common, label: 'projector apart', placement: 'apart' })));
  } finally {
    await echo.stop();
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
    `| billing check on the log (every phase) | | | | | | ${fmt(accepted)} texts accepted, ${fmt(charged)} charged once each, ${fmt(failed)} failed |`,
  );
  const body = [
    '## SMS: segmentation and sending (`npm run bench:sms`)',
    '',
    `${machine()}; \`trunkline serve\` (SQLite) in its own process ("projection thread": the default, its projections in a worker thread; "projections in process": TRUNKLINE_PROJECTIONS=run; "projector apart": with TRUNKLINE_PROJECTIONS=elsewhere and a \`trunkline projector\` process feeding the read models); the clients (node:http keep-alive; every request signed with Ed25519 per RFC 9421 before the phase's clock starts, as each client device signs its own, and verified by the engine) and the SMSC (the \`smpp\` package's server, SMPP 3.4 over loopback) in the bench process; ${ACCOUNTS} funded accounts; each text accepted (credit reserved), rated, submitted inside a window of 200 and charged before the answer. Each phase over HTTP is ${ROUNDS} rounds alternated, each round an equal share of the phase's texts sent first to an express echo (express 5, \`express.json()\` and \`res.json(body)\` on POST /v1/sms, in its own process: what the same client, requests and concurrency cost with a server that only parses and answers) and then the same share to the engine; medians of the rounds, and the median of the per-round ratios to the echo (above 1 for latency: slower than the echo). Scale ${SCALE}.`,
    '',
    '| what | rate | express echo, same rounds | ratio to the echo | p50 (echo, ratio) | p99 (echo, ratio) | outcome |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    `| segments counted (segment(), a mix of GSM-7, extension, UCS-2 and emoji texts) | ${fmt(seg.perSecond)} texts/s | | | | | ${fmt(seg.segments)} segments |`,
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
