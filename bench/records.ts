import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sqliteReadModelStore } from '../adapters/read-models/sqlite';
import { callRecordsProjection } from '../projections/records/calls-projection';
import { signedFetch, rawPublicKey, type Signer } from '../test/support/signed-fetch';
import { freePort } from '../test/beds/free-port';
import { median } from './compare';
import { fmt, machine, percentile, writeSection } from './report';
import { SERVE_NODE_FLAGS } from './serve-flags';

/**
 * Call records at scale: RECORDS rows seeded straight into the read model of a fresh data
 * directory (the projection's own table and indexes; how the rows got there is not what is
 * measured), then
 * - `trunkline calls export` as whole processes, CSV and JSON lines, alternating with a baseline
 *   that reads the same rows with better-sqlite3 and writes them as CSV in one tight loop;
 * - API pages of 50 from a serving engine: an operator's first page, a page deep into the
 *   history by cursor, a customer's own first page, each against GET /healthz on the same server.
 */
const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin', 'trunkline.js');
const RECORDS = Number(process.env['BENCH_RECORDS'] ?? 1_000_000);
const RUNS = Math.max(3, Number(process.env['BENCH_RUNS'] ?? 3));
const REQUESTS = Math.max(50, Number(process.env['BENCH_REQUESTS'] ?? 300));
const ACCOUNTS = 1000;
const number = (i: number) => `+4420794${String(60000 + i).padStart(5, '0')}`;

function seed(dataDir: string): Promise<void> {
  return (async () => {
    const rm = sqliteReadModelStore(join(dataDir, 'read-models.sqlite'), { checkpointInBackground: false });
    await rm.migrate((tx) => callRecordsProjection.setup(tx));
    await rm.close();
    const db = new Database(join(dataDir, 'read-models.sqlite'));
    const insert = db.prepare(`INSERT INTO call_records (call_id, number, account_id, callee, route, authorized_at, answered_at, ended_at,
      duration_seconds, billed_seconds, prefix, rate, connect_fee, sheet_version, reserved, price, from_grants, from_paid, currency,
      routes, carrier_id, trunk, carrier_prefix, carrier_rate, carrier_cost, carrier_currency, deck_version, outcome, rerated, position)
      VALUES (?, ?, ?, '+442079460000', 'pstn', ?, ?, ?, ?, ?, '44', '0.015', '0', 1, '0.9', ?, '0', ?, 'EUR',
      '{"alpha":"sip:442079460000@127.0.0.1:5080;transport=udp"}', 'alpha', 'sip:442079460000@127.0.0.1:5080;transport=udp',
      '44', '0.0100', ?, 'EUR', 1, 'answered', 0, ?)`);
    const start = Date.UTC(2026, 0, 1);
    const fill = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const at = start + i * 2000;
        const seconds = 1 + (i % 600);
        const billed = Math.ceil(seconds / 60) * 60;
        const price = ((billed / 60) * 0.015).toFixed(3);
        insert.run(
          `call-${i}`,
          number(i % ACCOUNTS),
          `acct-${i % ACCOUNTS}`,
          new Date(at).toISOString(),
          new Date(at + 3000).toISOString(),
          new Date(at + 3000 + seconds * 1000).toISOString(),
          String(seconds),
          billed,
          price,
          price,
          ((billed / 60) * 0.01).toFixed(2),
          i + 1,
        );
      }
    });
    for (let i = 0; i < RECORDS; i += 50_000) fill(i, Math.min(RECORDS, i + 50_000));
    db.close();
  })();
}

function timed(args: readonly string[], dataDir: string): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, {
    env: { ...process.env, LOG_LEVEL: 'warn', TRUNKLINE_DATA_DIR: dataDir },
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
  return performance.now() - started;
}

/** The floor: the same rows, read and written as CSV by the simplest program that can. */
const BASELINE = `
const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
const { createWriteStream } = require('node:fs');
const db = new Database(process.argv[1], { readonly: true });
const out = createWriteStream(process.argv[2]);
let buf = '';
for (const r of db.prepare('SELECT * FROM call_records ORDER BY authorized_at, call_id').iterate()) {
  buf += Object.values(r).join(',') + '\\n';
  if (buf.length > 1 << 20) { out.write(buf); buf = ''; }
}
out.end(buf);
`;

async function pages(dataDir: string, operator: Signer, customer: Signer) {
  const port = await freePort();
  const child = spawn(process.execPath, [...SERVE_NODE_FLAGS, BIN, 'serve'], {
    env: { ...process.env, LOG_LEVEL: 'warn', TRUNKLINE_DATA_DIR: dataDir, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 60_000;
    while (
      !(await fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('serve did not become ready');
      await new Promise((r) => setTimeout(r, 50));
    }
    // a cursor half-way through the history: the page after it must not cost a scan
    let deep = '';
    {
      const r = await signedFetch(
        base,
        operator,
        'GET',
        `/v1/calls?limit=500&until=${encodeURIComponent(new Date(Date.UTC(2026, 0, 1) + RECORDS * 1000).toISOString())}`,
      );
      deep = ((await r.json()) as { next: string }).next;
    }
    const cases: [string, () => Promise<Response>][] = [
      ['GET /healthz (baseline)', () => fetch(`${base}/healthz`)],
      ['GET /v1/calls, first page', () => signedFetch(base, operator, 'GET', '/v1/calls?limit=50')],
      ['GET /v1/calls, a page half-way back', () => signedFetch(base, operator, 'GET', `/v1/calls?limit=50&cursor=${deep}`)],
      [
        'GET /v1/calls?prefix=44&outcome=answered',
        () => signedFetch(base, operator, 'GET', '/v1/calls?limit=50&prefix=44&outcome=answered'),
      ],
      ['GET /v1/accounts/me/calls, first page', () => signedFetch(base, customer, 'GET', '/v1/accounts/me/calls?limit=50')],
    ];
    const times = new Map<string, number[]>(cases.map(([n]) => [n, []]));
    // alternating request by request, so that a slow second weighs on every case alike
    for (let i = 0; i < REQUESTS; i++)
      for (const [name, send] of cases) {
        const t = performance.now();
        const r = await send();
        await r.arrayBuffer();
        if (!r.ok) throw new Error(`${name}: ${r.status}`);
        times.get(name)!.push(performance.now() - t);
      }
    return cases.map(([name]) => {
      const s = times.get(name)!.sort((a, b) => a - b);
      return { name, p50: percentile(s, 0.5), p99: percentile(s, 0.99) };
    });
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

async function main(): Promise<void> {
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.js')], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('npm run build failed');
  const dataDir = mkdtempSync(join(tmpdir(), 'trunkline-bench-records-'));
  try {
    const operator: Signer = { keyid: 'ops-bench', ...generateKeyPairSync('ed25519') };
    const customer: Signer = { keyid: number(7), ...generateKeyPairSync('ed25519') };
    writeFileSync(
      join(dataDir, 'directory.json'),
      JSON.stringify({ numbers: { [customer.keyid]: { keys: [rawPublicKey(customer.publicKey)] } } }),
    );
    writeFileSync(
      join(dataDir, 'trunkline.json'),
      JSON.stringify({ operators: [{ id: operator.keyid, publicKey: rawPublicKey(operator.publicKey), roles: ['admin'] }] }),
    );
    let t = performance.now();
    await seed(dataDir);
    console.log(`seeded ${fmt(RECORDS)} call records in ${fmt(performance.now() - t)} ms`);
    const out = join(dataDir, 'export.out');
    const exports: [string, readonly string[]][] = [
      ['baseline: better-sqlite3 rows to CSV', ['-e', BASELINE, join(dataDir, 'read-models.sqlite'), out]],
      ['`trunkline calls export` (CSV)', [BIN, 'calls', 'export', '--out', out]],
      ['`trunkline calls export --format jsonl`', [BIN, 'calls', 'export', '--format', 'jsonl', '--out', out]],
    ];
    const times = new Map<string, number[]>(exports.map(([n]) => [n, []]));
    const sizes = new Map<string, number>();
    for (let i = 0; i < RUNS; i++)
      for (const [name, args] of i % 2 ? [...exports].reverse() : exports) {
        times.get(name)!.push(timed(args, dataDir));
        sizes.set(name, statSync(out).size);
      }
    const baseline = median(times.get(exports[0]![0])!);
    const exportRows = exports.map(([name]) => {
      const ms = median(times.get(name)!);
      return `| ${name} | ${fmt(ms)} | ${fmt((RECORDS / ms) * 1000)} | ${(sizes.get(name)! / 2 ** 20).toFixed(0)} | ${(ms / baseline).toFixed(2)}× |`;
    });
    console.log(exportRows.join('\n'));
    t = performance.now();
    const latency = await pages(dataDir, operator, customer);
    const health = latency[0]!;
    const pageRows = latency.map((l) => `| ${l.name} | ${l.p50.toFixed(2)} | ${l.p99.toFixed(2)} | ${(l.p50 / health.p50).toFixed(1)}× |`);
    console.log(pageRows.join('\n'));
    if (process.env['BENCH_WRITE'] === '0') return;
    writeSection(
      'records',
      `## Call records: export and API pages at ${fmt(RECORDS)} records

\`npm run bench:records\` (${machine()}). ${fmt(RECORDS)} call records (1,000 accounts) seeded into
the SQLite read model of a fresh data directory. Exports are whole processes writing to a file,
alternating with a baseline that reads the same rows with better-sqlite3 and joins them into CSV in
one loop; the median of ${RUNS} runs each, in ms. The target is under 30 s for a million.

| export | ms | records/s | MiB | against baseline |
| --- | ---: | ---: | ---: | ---: |
${exportRows.join('\n')}

Pages of 50 from \`trunkline serve\` on the same data, signed requests, ${REQUESTS} of each
alternating with \`GET /healthz\` on the same server, in ms (the signature check is part of the
page's time):

| request | p50 | p99 | p50 against /healthz |
| --- | ---: | ---: | ---: |
${pageRows.join('\n')}`,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
