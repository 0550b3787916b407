import type { ReadModelStore } from '../../application/ports/read-model-store';

/**
 * `months` calendar months before `now` (UTC; a day the earlier month lacks rolls over into the
 * next, as Date does): records older than this leave the read model.
 */
export function retentionCutoff(now: Date, months: number): Date {
  return new Date(
    Date.UTC(
      now.getUTCFullYear(),
      now.getUTCMonth() - months,
      now.getUTCDate(),
      now.getUTCHours(),
      now.getUTCMinutes(),
      now.getUTCSeconds(),
      now.getUTCMilliseconds(),
    ),
  );
}

/**
 * Drops call and text records that began before `cutoff` from the read models; the log keeps
 * every event, so a rebuild brings them back until the next sweep. Runs in a read-model
 * transaction, which the projections' own writes wait for.
 */
export async function dropRecordsBefore(rm: ReadModelStore, cutoff: Date): Promise<{ calls: number; texts: number }> {
  const at = cutoff.toISOString();
  return rm.transaction(async (tx) => {
    const [calls] = await tx.all<{ n: number | string }>('SELECT COUNT(*) AS n FROM call_records WHERE authorized_at < ?', [at]);
    const [texts] = await tx.all<{ n: number | string }>('SELECT COUNT(*) AS n FROM sms_messages WHERE created_at < ?', [at]);
    await tx.run('DELETE FROM call_records WHERE authorized_at < ?', [at]);
    for (const table of ['sms_status_history', 'sms_parts'])
      await tx.run(`DELETE FROM ${table} WHERE sms_id IN (SELECT sms_id FROM sms_messages WHERE created_at < ?)`, [at]);
    await tx.run('DELETE FROM sms_messages WHERE created_at < ?', [at]);
    return { calls: Number(calls?.n ?? 0), texts: Number(texts?.n ?? 0) };
  });
}
