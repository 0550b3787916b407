import { postgresReadModelStore } from '../../../adapters/read-models/postgres';
import type { ReadModelStore } from '../../../application/ports/read-model-store';
import { claimDue, createOutbox } from '../../../projections/notifications/outbox';
import { claimDueTopUps, createQueue } from '../../../projections/auto-top-up/queue';
import { describePostgres } from '../../support/postgres';

/** Two nodes claiming from one PostgreSQL at the same moment never take the same row. */
describePostgres('outbox and auto top-up claims across nodes', (newDatabase) => {
  let a: ReadModelStore;
  let b: ReadModelStore;
  beforeAll(async () => {
    const url = await newDatabase();
    a = await postgresReadModelStore(url);
    b = await postgresReadModelStore(url);
    await a.migrate(async (tx) => {
      await createOutbox(tx);
      await createQueue(tx);
    });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });
  const now = new Date('2026-12-04T12:00:00.000Z');
  const lease = new Date(now.getTime() + 30_000);

  test('webhook deliveries: 20 rounds of two simultaneous claims of 10 over 40 due rows, no row twice', async () => {
    for (let round = 0; round < 20; round++) {
      await a.transaction(async (tx) => {
        await tx.run('DELETE FROM webhook_outbox');
        for (let i = 0; i < 40; i++)
          await tx.run(
            `INSERT INTO webhook_outbox (id, endpoint, type, payload, event_position, status, attempts, next_attempt_at, created_at)
             VALUES (?, 'e', 't', '{}', ?, 'pending', 0, ?, ?)`,
            [`msg_${round}_${i}`, i, now.toISOString(), now.toISOString()],
          );
      });
      const [x, y] = await Promise.all([claimDue(a, now, lease, 10), claimDue(b, now, lease, 10)]);
      const ids = [...x, ...y].map((d) => d.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  test('auto top-ups: the same, so no trigger is charged by two nodes at once', async () => {
    for (let round = 0; round < 20; round++) {
      await a.transaction(async (tx) => {
        await tx.run('DELETE FROM auto_top_ups');
        for (let i = 0; i < 40; i++)
          await tx.run(
            `INSERT INTO auto_top_ups (trigger_id, number, processor, customer_id, payment_method_id, amount, currency, status, attempts, next_attempt_at, triggered_at)
             VALUES (?, '+1', 'stripe', 'c', 'p', '20', 'EUR', 'due', 0, ?, ?)`,
            [`t_${round}_${i}`, now.toISOString(), now.toISOString()],
          );
      });
      const [x, y] = await Promise.all([claimDueTopUps(a, now, lease, 10), claimDueTopUps(b, now, lease, 10)]);
      const ids = [...x, ...y].map((d) => d.triggerId);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });
});
