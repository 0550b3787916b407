import type { ReadModelStore } from '../../../application/ports/read-model-store';
import type { Projection } from '../../../application/ports/projection';
import { manyCountries, shortCallsToOnePrefix, smsPumping, spendSpike } from '../../../core/fraud/velocity';
import { velocityProjection } from '../../../projections/fraud/velocity';
import { velocityLog } from '../../support/velocity-log';

const RULES = [
  spendSpike({ multiplier: 10, minimum: {}, defaultMinimum: '10' }),
  manyCountries({ countries: 6, minutes: 15 }),
  shortCallsToOnePrefix({ calls: 10, numbers: 5, maxSeconds: 10, prefixDigits: 6, minutes: 30 }),
  smsPumping({ texts: 10, rangeDigits: 3, minutes: 15 }),
];

/** Every row of the projection's tables and its hits, in key order, as text: what two runs must agree on. */
async function dump(store: ReadModelStore): Promise<Record<string, string[]>> {
  const rows = async (sql: string) =>
    (await store.query<Record<string, unknown>>(sql)).map((r) => JSON.stringify(Object.values(r).map(String)));
  return {
    accounts: await rows('SELECT * FROM velocity_accounts ORDER BY number'),
    activity: await rows('SELECT * FROM velocity_activity ORDER BY number, ref'),
    hourly: await rows('SELECT * FROM velocity_hourly ORDER BY number, hour_ms'),
    hits: await rows('SELECT number, suspicion_id, rule, epoch, summary, evidence, at FROM fraud_hits ORDER BY number, suspicion_id'),
  };
}

/** Applies the log in transactions of `size` events (1: `apply`, one event at a time, as a live feed with no backlog). */
async function project(store: ReadModelStore, size: number): Promise<Record<string, string[]>> {
  const p: Projection = velocityProjection(RULES);
  await store.migrate((tx) => p.setup(tx));
  const log = velocityLog();
  for (let i = 0; i < log.length; i += size) {
    const batch = log.slice(i, i + size);
    await store.transaction(async (tx) => {
      if (size === 1) await p.apply(batch[0]!, tx);
      else await p.applyBatch!(batch, tx);
    });
  }
  return dump(store);
}

/**
 * As the runner applies it, with the checkpoint's bounds, so that rows are kept between batches:
 * `nodes` engines sharing the read models take the batches in turn, and every `failEvery`th
 * batch is first rolled back after the projection wrote it, then applied again.
 */
async function projectAsRunners(store: ReadModelStore, size: number, nodes: number, failEvery: number) {
  const ps = Array.from({ length: nodes }, () => velocityProjection(RULES));
  await store.migrate((tx) => ps[0]!.setup(tx));
  const log = velocityLog();
  const rolledBack = new Error('rolled back after the write');
  for (let i = 0, n = 0; i < log.length; i += size, n++) {
    const batch = log.slice(i, i + size);
    const p = ps[n % nodes]!;
    const bounds = { generation: 1, after: i, through: i + batch.length };
    if (n % failEvery === 0)
      await expect(
        store.transaction(async (tx) => {
          await p.applyBatch!(batch, tx, bounds);
          throw rolledBack;
        }),
      ).rejects.toBe(rolledBack);
    await store.transaction((tx) => p.applyBatch!(batch, tx, bounds));
  }
  return dump(store);
}

/**
 * The velocity projection reads each batch's accounts once and writes them once; whatever the
 * batch boundaries (one event, a few, a thousand), it must leave the same rows and find the same
 * hits at the same moments as reading the events one by one.
 */
export function velocityContract(newStore: () => Promise<ReadModelStore>): void {
  let one: Record<string, string[]>;

  beforeAll(async () => {
    const store = await newStore();
    try {
      one = await project(store, 1);
    } finally {
      await store.close();
    }
  }, 120_000);

  test('every rule hits on its scenario, once per review, and the flood is seen', () => {
    const rules = one.hits!.map((h) => (JSON.parse(h) as string[])[2]);
    expect([...new Set(rules)].sort()).toEqual([
      'activity-flood',
      'many-countries',
      'short-calls-one-prefix',
      'sms-pumping',
      'spend-spike',
    ]);
    // many-countries twice for the first account: before its review and after it (epochs 0 and 1)
    const first = one.hits!.map((h) => JSON.parse(h) as string[]).filter((h) => h[2] === 'many-countries');
    expect(first.map((h) => [h[0], h[3]])).toEqual([
      ['+442079460101', '0'],
      ['+442079460101', '1'],
    ]);
    expect(one.accounts).toHaveLength(5);
    // rows age out: four days of activity, but only the last hours' remain
    expect(one.activity!.length).toBeGreaterThan(0);
    expect(one.activity!.length).toBeLessThan(
      velocityLog().filter((e) => e.type === 'CallAuthorized' || e.type === 'SmsAccepted').length / 2,
    );
  });

  test.each([50, 5_000])(
    'in batches of %i: the same rows and the same hits',
    async (size) => {
      const store = await newStore();
      try {
        expect(await project(store, size)).toEqual(one);
      } finally {
        await store.close();
      }
    },
    120_000,
  );

  test.each([
    [7, 1, 5],
    [50, 2, 3],
    [200, 3, 4],
  ])(
    'in batches of %i with rows kept between them, %i node(s) taking turns, some batches rolled back: the same rows and hits',
    async (size, nodes, failEvery) => {
      const store = await newStore();
      try {
        expect(await projectAsRunners(store, size, nodes, failEvery)).toEqual(one);
      } finally {
        await store.close();
      }
    },
    120_000,
  );
}
