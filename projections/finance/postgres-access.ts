import type { ReadModelStore } from '../read-model-store';

/** Views for finance teams' own SQL on PostgreSQL: the read model's sums in plain decimals. */
export const FINANCE_VIEWS: readonly string[] = [
  `CREATE OR REPLACE VIEW finance_margin_daily AS
   SELECT day, currency, kind, counterparty, country, prefix, cost_currency,
     COUNT(*) AS items, SUM(units) AS units,
     (SUM(revenue_nanos) - COALESCE(SUM(refunded_nanos), 0))::numeric / 1000000000 AS revenue,
     COALESCE(SUM(cost_nanos), 0)::numeric / 1000000000 AS cost
   FROM finance_traffic GROUP BY day, currency, kind, counterparty, country, prefix, cost_currency`,
  `CREATE OR REPLACE VIEW finance_liability AS
   SELECT currency, SUM(paid_nanos)::numeric / 1000000000 AS paid, SUM(promo_nanos)::numeric / 1000000000 AS promotional
   FROM finance_money GROUP BY currency`,
];

const TABLES = [
  'finance_traffic',
  'finance_money',
  'finance_attempts',
  'finance_daily',
  'finance_margin_daily',
  'finance_liability',
  'wallet_accounts',
];

const ROLE = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Creates (or replaces) the finance views and gives an existing PostgreSQL role read-only access
 * to them and to the finance and balance tables: SELECT, nothing else. The role itself is the
 * DBA's (CREATE ROLE … LOGIN), so the engine's user needs no CREATEROLE.
 */
export async function grantFinanceReadOnly(rm: ReadModelStore, role: string): Promise<readonly string[]> {
  if (rm.dialect !== 'postgres') throw new Error('finance SQL access needs the PostgreSQL read models (TRUNKLINE_READ_MODELS=postgres)');
  if (!ROLE.test(role)) throw new Error(`not a plain role name: ${JSON.stringify(role)}`);
  const statements = [...FINANCE_VIEWS, ...TABLES.map((t) => `GRANT SELECT ON ${t} TO ${role}`)];
  await rm.transaction(async (tx) => {
    for (const sql of statements) await tx.run(sql);
  });
  return statements;
}
