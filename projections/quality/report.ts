import { z } from 'zod';
import { acdSeconds, asrPercent, pddSeconds } from '../../core/rating/carrier-quality';
import type { ReadModelStore } from '../../application/ports/read-model-store';
import { QUALITY_PROJECTION } from './projection';

const instant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z)?$/, 'must be a day (YYYY-MM-DD) or a UTC instant (…T…Z)')
  .refine((s) => !Number.isNaN(Date.parse(s)) && new Date(s).toISOString().slice(0, 10) === s.slice(0, 10), 'is not a date')
  .transform((s) => new Date(s).toISOString());

/** What the quality report is asked with, from the API's query string or the CLI's flags. */
export const qualityQuery = z
  .object({
    from: instant,
    /** Exclusive. */
    to: instant,
    carrier: z
      .string()
      .regex(/^[\w.-]{1,64}$/, 'must be a carrier id')
      .optional(),
    prefix: z
      .string()
      .regex(/^\d{1,15}$/, 'must be digits')
      .optional(),
    format: z.enum(['json', 'csv', 'table']).optional(),
  })
  .strict()
  .refine((q) => q.from < q.to, { message: 'from must be before to', path: ['to'] });

export type QualityQuery = z.infer<typeof qualityQuery>;

export interface QualityRow {
  readonly carrier: string;
  readonly prefix: string;
  readonly attempts: number;
  readonly answered: number;
  readonly asrPercent: string | null;
  readonly acdSeconds: string | null;
  /** Average post-dial delay (INVITE to first ringing or progress) of the calls the proxy measured it for; null: none. */
  readonly pddSeconds: string | null;
  /** Failed attempts by cause: the CDR's reason (SIP reply code) or `failover`. */
  readonly failures: Readonly<Record<string, number>>;
  /** Demoted in routing now (the quality-routing plugin's decision), and since when (event time). */
  readonly demoted: boolean;
  readonly demotedSince: string | null;
}

type Num = number | string | null;

/** Per carrier and destination prefix, calls that ended in [from, to) (minutes of event time). */
export async function qualityReport(
  rm: ReadModelStore,
  q: QualityQuery,
): Promise<{ asOf: number; from: string; to: string; rows: QualityRow[] }> {
  const [pos] = await rm.query<{ position: Num }>('SELECT position FROM trunkline_projections WHERE name = ?', [QUALITY_PROJECTION]);
  const where = ['minute >= ?', 'minute < ?'];
  const params: string[] = [q.from, q.to];
  if (q.carrier !== undefined) {
    where.push('carrier = ?');
    params.push(q.carrier);
  }
  if (q.prefix !== undefined) {
    where.push('prefix = ?');
    params.push(q.prefix);
  }
  const sums = await rm.query<{
    carrier: string;
    prefix: string;
    attempts: Num;
    answered: Num;
    seconds: Num;
    pdd_sum: Num;
    pdd_calls: Num;
  }>(
    `SELECT carrier, prefix, SUM(attempts) AS attempts, SUM(answered) AS answered, SUM(seconds) AS seconds,
       SUM(pdd_sum) AS pdd_sum, SUM(pdd_calls) AS pdd_calls FROM quality_buckets
     WHERE ${where.join(' AND ')} GROUP BY carrier, prefix ORDER BY carrier, prefix`,
    params,
  );
  const causes = await rm.query<{ carrier: string; prefix: string; cause: string; calls: Num }>(
    `SELECT carrier, prefix, cause, SUM(calls) AS calls FROM quality_causes WHERE ${where.join(' AND ')}
     GROUP BY carrier, prefix, cause ORDER BY cause`,
    params,
  );
  const state = await rm.query<{ carrier: string; prefix: string; since: string }>(
    'SELECT carrier, prefix, since FROM quality_state WHERE demoted = 1',
  );
  const rows = sums.map((s): QualityRow => {
    const counts = { attempts: Number(s.attempts ?? 0), answered: Number(s.answered ?? 0), seconds: Number(s.seconds ?? 0) };
    const failures: Record<string, number> = {};
    for (const c of causes) if (c.carrier === s.carrier && c.prefix === s.prefix) failures[c.cause] = Number(c.calls ?? 0);
    const d = state.find((x) => x.carrier === s.carrier && x.prefix === s.prefix);
    return {
      carrier: s.carrier,
      prefix: s.prefix,
      attempts: counts.attempts,
      answered: counts.answered,
      asrPercent: asrPercent(counts),
      acdSeconds: acdSeconds(counts),
      pddSeconds: pddSeconds(Number(s.pdd_sum ?? 0), Number(s.pdd_calls ?? 0)),
      failures,
      demoted: d !== undefined,
      demotedSince: d?.since ?? null,
    };
  });
  return { asOf: Number(pos?.position ?? 0), from: q.from, to: q.to, rows };
}

/** Rows for CSV and tables: the failures as one cell, `486:2 503:1`. */
export function flatQualityRows(rows: readonly QualityRow[]): Record<string, string | number | boolean | null>[] {
  return rows.map((r) => ({
    ...r,
    failures: Object.entries(r.failures)
      .map(([cause, n]) => `${cause}:${n}`)
      .join(' '),
  }));
}
