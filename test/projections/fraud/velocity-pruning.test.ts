import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteReadModelStore } from '../../../adapters/read-models/sqlite';
import { RECENT_MINUTES } from '../../../core/fraud/velocity';
import { velocityProjection } from '../../../projections/fraud/velocity';
import type { RecordedEvent } from '../../../core/events/envelope';
import { velocityLog } from '../../support/velocity-log';

const MINUTE = 60_000;

/**
 * The log with texts that no gateway took, failed five seconds after they were accepted: every
 * text it never charged, and, for the first account, one accepted every ten minutes over its last
 * day (so that some are under two hours old at the end, and most are older but under a day).
 */
function withFailedTexts(log: readonly RecordedEvent[]): RecordedEvent[] {
  const charged = new Set(log.filter((e) => e.type === 'SmsCharged').map((e) => (e.data as { smsId: string }).smsId));
  const template = log.find((e) => e.type === 'SmsAccepted')!;
  const last = Math.max(...log.map((e) => Date.parse(e.recordedAt)));
  const late = Array.from({ length: 144 }, (_, i): RecordedEvent => {
    const at = new Date(last - 24 * 60 * MINUTE + i * 10 * MINUTE).toISOString();
    return { ...template, id: `late-${i}`, data: { ...template.data, smsId: `late-${i}`, at }, recordedAt: at };
  });
  const failed = [...log, ...late]
    .filter((e) => e.type === 'SmsAccepted' && !charged.has((e.data as { smsId: string }).smsId))
    .map((e): RecordedEvent => {
      const { accountId, smsId } = e.data as { accountId: string; smsId: string };
      const at = new Date(Date.parse(e.recordedAt) + 5_000).toISOString();
      return {
        ...e,
        id: `${e.id}-failed`,
        type: 'SmsFailed',
        data: { accountId, smsId, reason: 'no gateway took it', attempts: [], released: '0.05', at },
        recordedAt: at,
      };
    });
  const versions = new Map<string, number>();
  return [...log, ...late, ...failed]
    .sort((a, b) => Date.parse(a.recordedAt) - Date.parse(b.recordedAt) || a.position - b.position)
    .map((e, i) => {
      const version = versions.get(e.stream) ?? 0;
      versions.set(e.stream, version + 1);
      return { ...e, version, position: i + 1 };
    });
}

async function project(file: string, log: readonly RecordedEvent[]) {
  const store = sqliteReadModelStore(file, { checkpointInBackground: false });
  const p = velocityProjection([]);
  await store.migrate((tx) => p.setup(tx));
  for (let i = 0; i < log.length; i += 50) await store.transaction((tx) => p.applyBatch!(log.slice(i, i + 50), tx));
  return store;
}

describe('velocity activity rows', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-velocity-pruning-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // the rules read an hour back at most; a call that failed is over, and keeping it for a day let an account's
  // failed attempts pile up in memory and in each paid call's scan of its rows
  it('lets a failed call go with the rows two hours old, not a day later', async () => {
    const log = velocityLog();
    const failed = log.filter((e) => e.type === 'CallFailed').length;
    expect(failed).toBeGreaterThan(20); // the log's four days hold enough to see
    const store = await project(join(dir, 'read-models.sqlite'), log);
    try {
      const rows = await store.query<{ number: string; at_ms: number | string; seconds: number | null; charged_ms: number | null }>(
        'SELECT number, at_ms, seconds, charged_ms FROM velocity_activity',
      );
      const newest = new Map<string, number>();
      for (const r of rows) newest.set(r.number, Math.max(newest.get(r.number) ?? 0, Number(r.at_ms)));
      const stale = rows.filter(
        (r) =>
          r.seconds !== null && r.charged_ms === null && Number(r.at_ms) < newest.get(r.number)! - 2 * RECENT_MINUTES * 60_000 - 3_600_000,
      );
      expect(stale).toEqual([]);
      expect(rows.some((r) => r.seconds !== null && r.charged_ms === null)).toBe(true); // recent failures stay
    } finally {
      await store.close();
    }
  });

  // a text no gateway took is over as well: never charged, it was kept a day like a text still on its way
  it('lets a failed text go with the rows two hours old, and keeps the failed texts of the last hours', async () => {
    const log = withFailedTexts(velocityLog());
    const failedTexts = new Set(log.filter((e) => e.type === 'SmsFailed').map((e) => `sms:${(e.data as { smsId: string }).smsId}`));
    expect(failedTexts.size).toBeGreaterThan(2_000); // the hour of more texts than the rules read, none of them charged, and the last day's
    const store = await project(join(dir, 'texts.sqlite'), log);
    try {
      const rows = await store.query<{ ref: string; at_ms: number | string }>('SELECT ref, at_ms FROM velocity_activity');
      const last = Math.max(...log.map((e) => Date.parse(e.recordedAt)));
      const kept = rows.filter((r) => failedTexts.has(r.ref));
      expect(kept.filter((r) => Number(r.at_ms) < last - 2 * RECENT_MINUTES * 60_000 - 3_600_000)).toEqual([]);
      expect(kept.length).toBeGreaterThan(0); // the failed texts of the last two hours stay for the rules
    } finally {
      await store.close();
    }
  });

  // the wallet never fails a text it charged; a log that says so anyway must not make a charge expire as an attempt
  it('keeps a charged text a charge when a failure for it follows', async () => {
    const log = velocityLog();
    const charged = log.find((e) => e.type === 'SmsCharged')!;
    const { accountId, smsId } = charged.data as { accountId: string; smsId: string };
    const at = new Date(Date.parse(charged.recordedAt) + 1_000).toISOString();
    const failure: RecordedEvent = {
      ...charged,
      id: `${charged.id}-failed`,
      type: 'SmsFailed',
      data: { accountId, smsId, reason: 'late', attempts: [], released: '0', at },
      recordedAt: at,
      position: charged.position + 0.5,
    };
    const upToIt = [...log.filter((e) => e.position <= charged.position), failure].map((e, i) => ({ ...e, position: i + 1 }));
    const store = await project(join(dir, 'charged-then-failed.sqlite'), upToIt);
    try {
      const rows = await store.query<{ kind: string; charged_ms: number | string | null }>(
        'SELECT kind, charged_ms FROM velocity_activity WHERE ref = ?',
        [`sms:${smsId}`],
      );
      expect(rows).toEqual([{ kind: 'sms', charged_ms: expect.anything() as unknown }]);
    } finally {
      await store.close();
    }
  });
});
