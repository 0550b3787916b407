import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runCli, spawnTs, exited } from '../../support/cli';
import { freePort } from '../../beds/free-port';

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const FIXTURES = join(__dirname, '..', '..', 'fixtures');

describe('trunkline CLI', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trunkline-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const oneLine = (stderr: string) => {
    expect(stderr.trim().split('\n')).toHaveLength(1);
    return stderr.trim();
  };

  test('a bad configuration value is one line, exit 1, and nothing is written', () => {
    const data = join(dir, 'data');
    const r = runCli(['projections', 'status'], { TRUNKLINE_DATA_DIR: data, PORT: 'eighty' });
    expect(r.status).toBe(1);
    expect(oneLine(r.stderr)).toBe('trunkline: invalid configuration: port must be a number (got "eighty") [PORT]');
    expect(existsSync(data)).toBe(false);
  });

  test('a file that is not a database is refused and left as it was', () => {
    mkdirSync(join(dir, 'data'));
    const file = join(dir, 'data', 'events.sqlite');
    writeFileSync(file, 'this is not sqlite at all '.repeat(200));
    const before = sha(file);
    const r = runCli(['projections', 'status'], { TRUNKLINE_DATA_DIR: join(dir, 'data') });
    expect(r.status).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/events\.sqlite is not a SQLite database/);
    expect(sha(file)).toBe(before);
  });

  test("another program's SQLite database is refused and left as it was", () => {
    mkdirSync(join(dir, 'data'));
    const file = join(dir, 'data', 'events.sqlite');
    const foreign = new Database(file);
    foreign.exec("CREATE TABLE users (name TEXT); INSERT INTO users VALUES ('alice')");
    foreign.close();
    const before = sha(file);
    const r = runCli(['projections', 'status'], { TRUNKLINE_DATA_DIR: join(dir, 'data') });
    expect(r.status).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/is a SQLite database, but not a Trunkline events file/);
    expect(sha(file)).toBe(before);
  });

  test('an unreachable PostgreSQL is one line naming it', async () => {
    const port = await freePort();
    const r = runCli(['projections', 'status'], {
      TRUNKLINE_STORE: 'postgres',
      TRUNKLINE_POSTGRES_URL: `postgres://postgres@127.0.0.1:${port}/x`,
    });
    expect(r.status).toBe(1);
    expect(oneLine(r.stderr)).toMatch(new RegExp(`cannot reach PostgreSQL at 127.0.0.1:${port}/x`));
  });

  test('rebuild replays the log with progress, then status shows no lag', async () => {
    const data = join(dir, 'data');
    mkdirSync(data);
    const seed = spawnTs(join(FIXTURES, 'append-burst.ts'), [data, '120', '25']);
    expect(await exited(seed)).toBe(0);
    const r = runCli(['--data-dir', data, 'projections', 'rebuild', 'catalogue']);
    expect(r.stderr).toMatch(/rebuild catalogue \[#+\] 100% 3,000\/3,000 events/);
    expect(r.stdout).toMatch(/^catalogue: rebuilt to position 3000, 3000 events in [\d.]+ s$/m);
    expect(r.status).toBe(0);
    const status = runCli(['--data-dir', data, 'projections', 'status', '--json']);
    expect(JSON.parse(status.stdout)).toEqual([
      expect.objectContaining({ name: 'balances', position: 0, head: 3000 }),
      expect.objectContaining({ name: 'sms', position: 0, head: 3000 }),
      expect.objectContaining({ name: 'finance', position: 0, head: 3000 }),
      expect.objectContaining({ name: 'call-records', position: 0, head: 3000 }),
      expect.objectContaining({ name: 'fraud-suspicions', position: 0, head: 3000 }),
      expect.objectContaining({ name: 'auto-top-ups', position: 0, head: 3000 }),
      expect.objectContaining({ name: 'catalogue', position: 3000, head: 3000, lag: 0 }),
      expect.objectContaining({ name: 'rates', position: 0, head: 3000 }),
      expect.objectContaining({ name: 'vouchers', position: 0, head: 3000 }),
      expect.objectContaining({ name: 'velocity', position: 0, head: 3000 }),
      expect.objectContaining({ name: 'carrier-quality', position: 0, head: 3000 }),
    ]);
    // without a name: every projection in one pass over the log, a line each
    const all = runCli(['--data-dir', data, 'projections', 'rebuild']);
    expect(all.status).toBe(0);
    expect(all.stderr).toMatch(/rebuild 11 projections \[#+\] 100% 3,000\/3,000 events/);
    expect(
      all.stdout
        .trim()
        .split('\n')
        .map((l) => l.replace(/ in [\d.]+ s$/, '')),
    ).toEqual(
      [
        'balances',
        'sms',
        'finance',
        'call-records',
        'fraud-suspicions',
        'auto-top-ups',
        'catalogue',
        'rates',
        'vouchers',
        'velocity',
        'carrier-quality',
      ].map((n) => `${n}: rebuilt to position 3000, 3000 events`),
    );
    const csv = runCli(['--data-dir', data, 'projections', 'status', '--format', 'csv']);
    expect(csv.stdout.split('\n')[0]).toBe('name,version,position,head,lag,caughtUp,lastError,updatedAt,stopped');
  });

  test('an unknown projection or command is one line and exit 1', () => {
    const r = runCli(['--data-dir', join(dir, 'd'), 'projections', 'rebuild', 'nope']);
    expect(r.status).toBe(1);
    expect(oneLine(r.stderr)).toBe(
      'trunkline: no projection named "nope" (known: balances, sms, finance, call-records, fraud-suspicions, auto-top-ups, catalogue, rates, vouchers, velocity, carrier-quality)',
    );
    const u = runCli(['frobnicate']);
    expect(u.status).toBe(1);
    expect(oneLine(u.stderr)).toMatch(/unknown command 'frobnicate'/);
  });
});
