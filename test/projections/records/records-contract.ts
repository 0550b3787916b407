import type { ReadModelStore } from '../../../application/ports/read-model-store';
import { callerView, callRecords, countCallRecords, eachCallRecord } from '../../../projections/records/call-queries';
import { callRecordsProjection } from '../../../projections/records/calls-projection';
import { dropRecordsBefore, retentionCutoff } from '../../../projections/records/retention';
import { smsProjection } from '../../../projections/sms/projection';

/** What the call and text records do the same on every read-model store. */
export function recordsContract(open: () => Promise<ReadModelStore>): void {
  test('the cutoff is whole calendar months back, in UTC', () => {
    expect(retentionCutoff(new Date('2026-12-04T14:00:00.000Z'), 1).toISOString()).toBe('2026-11-04T14:00:00.000Z');
    expect(retentionCutoff(new Date('2026-03-15T00:00:00.000Z'), 14).toISOString()).toBe('2025-01-15T00:00:00.000Z');
  });

  test('drops call and text records that began before the cutoff, with their steps and parts; keeps the rest', async () => {
    const rm = await open();
    await rm.migrate(async (tx) => {
      await callRecordsProjection.setup(tx);
      await smsProjection.setup(tx);
      for (const [id, at] of [
        ['old', '2026-01-01T00:00:00.000Z'],
        ['new', '2026-06-01T00:00:00.000Z'],
      ] as const) {
        await tx.run(
          `INSERT INTO call_records (call_id, number, account_id, callee, route, authorized_at, reserved, currency, routes, outcome, rerated, position)
           VALUES (?, '+1', 'a', '+2', 'pstn', ?, '0', 'EUR', '{}', 'open', 0, 1)`,
          [id, at],
        );
        await tx.run(
          `INSERT INTO sms_messages (sms_id, number, account_id, recipient, encoding, segments, characters, price, currency, status,
             failed_over, created_at, updated_at, position) VALUES (?, '+1', 'a', '+2', 'GSM-7', 1, 1, '0.03', 'EUR', 'delivered', '[]', ?, ?, 1)`,
          [id, at, at],
        );
        await tx.run(`INSERT INTO sms_status_history (sms_id, position, status, at) VALUES (?, 1, 'accepted', ?)`, [id, at]);
        await tx.run(`INSERT INTO sms_parts (gateway_id, message_id, sms_id, number, status) VALUES ('g', ?, ?, '+1', 'delivered')`, [
          id,
          id,
        ]);
      }
    });
    expect(await dropRecordsBefore(rm, new Date('2026-03-01T00:00:00.000Z'))).toEqual({ calls: 1, texts: 1 });
    for (const [table, column] of [
      ['call_records', 'call_id'],
      ['sms_messages', 'sms_id'],
      ['sms_status_history', 'sms_id'],
      ['sms_parts', 'sms_id'],
    ])
      expect(await rm.query(`SELECT ${column} AS id FROM ${table}`)).toEqual([{ id: 'new' }]);
    expect(await dropRecordsBefore(rm, new Date('2026-03-01T00:00:00.000Z'))).toEqual({ calls: 0, texts: 0 });
    await rm.close();
  });

  test('keyset pages and chunks: every record once, in order, whatever the page size', async () => {
    const rm = await open();
    await rm.migrate(async (tx) => {
      await callRecordsProjection.setup(tx);
      // several calls share an instant: the call id breaks the tie
      for (let i = 0; i < 23; i++)
        await tx.run(
          `INSERT INTO call_records (call_id, number, account_id, callee, route, authorized_at, reserved, currency, routes, outcome, rerated, position)
           VALUES (?, ?, 'a', ?, 'pstn', ?, '0', 'EUR', '{}', ?, 0, ?)`,
          [
            `c${String(i).padStart(2, '0')}`,
            i % 2 ? '+1' : '+2',
            i % 3 ? '+4420' : '+3314',
            `2026-05-0${1 + (i % 4)}T00:00:00.000Z`,
            i % 5 ? 'answered' : 'failed',
            i,
          ],
        );
    });
    const expected = (
      await rm.query<{ call_id: string }>('SELECT call_id FROM call_records ORDER BY authorized_at DESC, call_id DESC')
    ).map((r) => r.call_id);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 30; i++) {
      const page = await callRecords(rm, callerView, {}, { limit: 4, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((c) => c.callId));
      if (page.next === null) break;
      cursor = page.next;
    }
    expect(seen).toEqual(expected);
    const chunks: string[] = [];
    for await (const rows of eachCallRecord(rm, {}, 5)) chunks.push(...rows.map((r) => r.call_id));
    expect(chunks).toEqual([...expected].reverse());
    const filter = { number: '+1', prefix: '44', outcome: 'answered' as const, since: '2026-05-02T00:00:00.000Z' };
    const filtered = await callRecords(rm, callerView, filter, { limit: 100 });
    expect(filtered.items.length).toBe(await countCallRecords(rm, filter));
    expect(filtered.items.length).toBeGreaterThan(0);
    for (const c of filtered.items) {
      expect([c.caller, c.callee.startsWith('+44'), c.outcome, c.authorizedAt >= filter.since]).toEqual(['+1', true, 'answered', true]);
    }
    await rm.close();
  });
}
