import type { ReadModelStore, SqlTx } from '../../application/ports/read-model-store';

/** Views for finance teams' own SQL on PostgreSQL: the read model's sums in plain decimals. */
export const FINANCE_VIEWS: readonly string[] = [
  `CREATE OR REPLACE VIEW finance_margin_daily AS
   SELECT day, currency, kind, counterparty, country, prefix, cost_currency,
     COUNT(*) AS items, SUM(units) AS units,
     SUM(revenue) - COALESCE(SUM(refunded), 0) AS revenue,
     COALESCE(SUM(cost_rounded), 0) AS cost
   FROM finance_traffic GROUP BY day, currency, kind, counterparty, country, prefix, cost_currency`,
  `CREATE OR REPLACE VIEW finance_liability AS
   SELECT currency, SUM(paid) AS paid, SUM(promo) AS promotional
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

const VIEWS = ['finance_margin_daily', 'finance_liability'];

/** The views, made again, and SELECT on them and the tables for `role`. */
const accessStatements = (role: string) => [...FINANCE_VIEWS, ...TABLES.map((t) => `GRANT SELECT ON ${t} TO ${role}`)];

/**
 * Drops the finance views, which would keep the tables from being dropped, and returns what
 * makes them again for the roles that could read them: run it after the tables are rebuilt.
 */
export async function dropFinanceViews(tx: SqlTx): Promise<readonly string[]> {
  if (tx.dialect !== 'postgres') return [];
  const made = await tx.all<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.views WHERE table_name = 'finance_liability'`,
  );
  if (made.length === 0) return [];
  const readers = await tx.all<{ grantee: string }>(
    `SELECT DISTINCT grantee FROM information_schema.role_table_grants
     WHERE table_name = 'finance_liability' AND privilege_type = 'SELECT' AND grantee <> current_user`,
  );
  for (const view of VIEWS) await tx.run(`DROP VIEW IF EXISTS ${view}`);
  return [...FINANCE_VIEWS, ...readers.filter((r) => ROLE.test(r.grantee)).flatMap((r) => accessStatements(r.grantee))];
}

/**
 * Creates (or replaces) the finance views and gives an existing PostgreSQL role read-only access
 * to them and to the finance and balance tables: SELECT, nothing else. The role itself is the
 * DBA's (CREATE ROLE … LOGIN), so the engine's user needs no CREATEROLE.
 */
export async function grantFinanceReadOnly(rm: ReadModelStore, role: string): Promise<readonly string[]> {
  if (rm.dialect !== 'postgres') throw new Error('finance SQL access needs the PostgreSQL read models (TRUNKLINE_READ_MODELS=postgres)');
  if (!ROLE.test(role)) throw new Error(`not a plain role name: ${JSON.stringify(role)}`);
  const statements = accessStatements(role);
  await rm.transaction(async (tx) => {
    for (const sql of statements) await tx.run(sql);
  });
  return statements;
}
