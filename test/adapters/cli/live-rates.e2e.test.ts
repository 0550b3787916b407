import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../beds/free-port';
import { BIN, ROOT, childEnv, runCliAsync } from '../../support/cli';
import { describePostgres } from '../../support/postgres';
import { waitFor } from '../../support/wait';

/**
 * The operator's rule: once `carriers import-deck` (another process) says it succeeded, every
 * serving engine quotes on the new deck, without a restart, whether the engines share a SQLite
 * data directory or a PostgreSQL database.
 */
const UK = '+442079460958';
const deck = (rate: string) =>
  `prefix,destination,rate,initial,subsequent,connect_fee,effective_from\n44,United Kingdom,${rate},1,1,0,2026-01-01\n`;

interface RetailRow {
  ratePerMinute: string;
  sheetVersion: number;
}

function liveRatesSuite(env: () => Promise<Record<string, string>>, nodes: number): void {
  let dir: string;
  let vars: Record<string, string>;
  const bases: string[] = [];
  const children: ChildProcess[] = [];
  let lastRate = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trunkline-live-rates-'));
    vars = { TRUNKLINE_DATA_DIR: dir, ...(await env()) };
    writeFileSync(join(dir, 'directory.json'), JSON.stringify({ numbers: {} }));
    for (let i = 0; i < nodes; i++) {
      const port = await freePort();
      const child = spawn(process.execPath, [BIN, 'serve'], {
        cwd: ROOT,
        env: childEnv({ ...vars, PORT: String(port) }),
        stdio: 'ignore',
      });
      children.push(child);
      bases.push(`http://127.0.0.1:${port}`);
    }
    for (const base of bases) await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => null))?.ok === true, 45_000, 'serve');
  }, 60_000);
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const cli = async (args: string[]) => {
    const r = await runCliAsync(args, vars);
    if (r.status !== 0) throw new Error(`trunkline ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return r.stdout;
  };
  const retail = async (base: string): Promise<RetailRow> => {
    const r = await fetch(`${base}/v1/rates?destination=${encodeURIComponent(UK)}`);
    if (r.status !== 200) throw new Error(`GET /v1/rates: ${r.status} ${await r.text()}`);
    return (await r.json()) as RetailRow;
  };
  const quote = async (base: string) => {
    const r = await fetch(`${base}/v1/quotes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ plan: 'retail', destination: UK, duration: 60 }),
    });
    return (await r.json()) as { cost: string; sheetVersion: number };
  };

  test('each import is what every node quotes as soon as the CLI says it succeeded', async () => {
    const added = await cli(['carriers', 'add', 'alpha', '--name', 'Alpha', '--currency', 'EUR', '--trunk', '127.0.0.1:5099/udp']);
    expect(added).toMatch(new RegExp(`live on ${nodes} serving engine`));
    const seen: { rate: string; version: number }[] = [];
    // v2 is cheaper and v3 goes back up: a node still on v2 would sell below cost
    for (const [i, rate] of ['0.0100', '0.0040', '0.0100'].entries()) {
      writeFileSync(join(dir, `v${i + 1}.csv`), deck(rate));
      const out = await cli(['carriers', 'import-deck', 'alpha', join(dir, `v${i + 1}.csv`)]);
      expect(out).toMatch(new RegExp(`deck version ${i + 1} published.*live on ${nodes} serving engine`));
      const rows = await Promise.all(bases.map(retail));
      const quotes = await Promise.all(bases.map(quote));
      for (const [n, row] of rows.entries()) {
        expect(row.ratePerMinute).toBe(rows[0]!.ratePerMinute);
        expect(row.sheetVersion).toBe(rows[0]!.sheetVersion);
        expect(quotes[n]!.sheetVersion).toBe(row.sheetVersion);
        expect(quotes[n]!.cost).toBe(row.ratePerMinute);
      }
      seen.push({ rate: rows[0]!.ratePerMinute, version: rows[0]!.sheetVersion });
    }
    // the markup keeps the order of the carrier's rates, and every publication is a newer sheet
    expect(Number(seen[1]!.rate)).toBeLessThan(Number(seen[0]!.rate));
    expect(seen[2]!.rate).toBe(seen[0]!.rate);
    expect(seen[0]!.version).toBeLessThan(seen[1]!.version);
    expect(seen[1]!.version).toBeLessThan(seen[2]!.version);
    lastRate = seen[2]!.rate;
  }, 120_000);

  test('a node that was silent during an import reloads before it answers again', async () => {
    // stopped (SIGSTOP) long enough to be taken for gone, the node misses the import's wait
    const node = children[0]!;
    node.kill('SIGSTOP');
    try {
      await new Promise((r) => setTimeout(r, 5_500));
      writeFileSync(join(dir, 'v4.csv'), deck('0.0110'));
      const out = await cli(['carriers', 'import-deck', 'alpha', join(dir, 'v4.csv')]);
      expect(out).toMatch(/1 silent engine\(s\) reload before they rate again/);
    } finally {
      node.kill('SIGCONT');
    }
    // its first answer is on v4 (dearer than v3), not on what it had loaded before it stopped
    const row = await retail(bases[0]!);
    expect(Number(row.ratePerMinute)).toBeGreaterThan(Number(lastRate));
  }, 60_000);
}

describe('live rates on SQLite: the CLI in one process, serve in another', () => {
  liveRatesSuite(async () => ({}), 1);
});

describePostgres('live rates on PostgreSQL: two serving nodes and the CLI', (newDatabase) => {
  liveRatesSuite(async () => ({ TRUNKLINE_STORE: 'postgres', TRUNKLINE_POSTGRES_URL: await newDatabase() }), 2);
});
