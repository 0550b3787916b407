import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteReadModelStore } from '../../adapters/read-models/sqlite';
import type { ReadModelStore, SqlTx } from '../../application/ports/read-model-store';
import { deleteKeys, insertRows, selectKeys, selectWhereIn } from '../../projections/sql-rows';

describe('multi-row statements for batched projections', () => {
  let dir: string;
  let store: ReadModelStore;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trunkline-sql-rows-'));
    store = sqliteReadModelStore(join(dir, 'r.sqlite'), { checkpointInBackground: false });
    await store.migrate(async (tx) => {
      await tx.run('CREATE TABLE t (a TEXT NOT NULL, b INTEGER NOT NULL, v TEXT, PRIMARY KEY (a, b))');
      await tx.run('CREATE TABLE u (b INTEGER PRIMARY KEY)');
      for (let b = 0; b < 400; b++) await tx.run('INSERT INTO u (b) VALUES (?)', [b]);
    });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `fn` in a transaction, keeping every statement text it sends. */
  const traced = async (fn: (tx: SqlTx) => Promise<void>) => {
    const texts = new Set<string>();
    await store.transaction(async (tx) => {
      const spy: SqlTx = {
        dialect: tx.dialect,
        run: (sql, p) => (texts.add(sql), tx.run(sql, p)),
        all: (sql, p) => (texts.add(sql), tx.all(sql, p)),
        get: (sql, p) => (texts.add(sql), tx.get(sql, p)),
      };
      await fn(spy);
    });
    return texts;
  };

  test('any number of rows goes in, in order, through a handful of statement texts (each stays prepared for good)', async () => {
    const texts = new Set<string>();
    for (const n of [1, 7, 33, 128, 129, 300]) {
      const rows = Array.from({ length: n }, (_, i) => [`n${n}`, i, `v${i}`] as const);
      for (const t of await traced((tx) => insertRows(tx, 't', ['a', 'b', 'v'], rows, 'ON CONFLICT (a, b) DO UPDATE SET v = excluded.v')))
        texts.add(t);
      const back = await store.query<{ b: number; v: string }>('SELECT b, v FROM t WHERE a = ? ORDER BY rowid', [`n${n}`]);
      expect(back.map((r) => r.b)).toEqual(rows.map((r) => r[1]));
    }
    expect(texts.size).toBeLessThanOrEqual(4);
  });

  test('IN lists of any length find each row once; deleting by two-column keys removes exactly those', async () => {
    const texts = new Set<string>();
    for (const n of [1, 3, 5, 100, 129, 300]) {
      const keys = Array.from({ length: n }, (_, i) => i);
      let found: { b: number }[] = [];
      for (const t of await traced(async (tx) => void (found = await selectWhereIn<{ b: number }>(tx, 'SELECT b FROM u', 'b', keys))))
        texts.add(t);
      expect(found.map((r) => r.b).sort((x, y) => x - y)).toEqual(keys);
    }
    expect(texts.size).toBeLessThanOrEqual(9);
    await traced((tx) =>
      deleteKeys(
        tx,
        't',
        ['a', 'b'],
        [
          ['n300', 5],
          ['n300', 6],
          ['n7', 0],
          ['nobody', 1],
        ],
      ),
    );
    expect((await store.query<{ n: number }>("SELECT COUNT(*) AS n FROM t WHERE a = 'n300'"))[0]!.n).toBe(298);
    expect((await store.query<{ n: number }>("SELECT COUNT(*) AS n FROM t WHERE a = 'n7'"))[0]!.n).toBe(6);
  });

  test('two-column keys find each row once, whatever the number of keys, missing keys ignored', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => [`k${i % 3}`, i, `w${i}`] as const);
    await traced((tx) => insertRows(tx, 't', ['a', 'b', 'v'], rows));
    for (const n of [1, 2, 9, 150]) {
      const keys = rows.slice(0, n).map((r) => [r[0], r[1]] as const);
      let found: { a: string; b: number; v: string }[] = [];
      await traced(async (tx) => void (found = await selectKeys(tx, 'SELECT a, b, v FROM t', ['a', 'b'], [...keys, ['k0', 1]])));
      expect(found.map((r) => r.v).sort()).toEqual(
        rows
          .slice(0, n)
          .map((r) => r[2])
          .sort(),
      );
    }
  });
});
