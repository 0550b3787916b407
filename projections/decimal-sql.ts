import type { SqlTx } from '../application/ports/read-model-store';

/**
 * SQL for amounts summed exactly, in either read-model store: PostgreSQL keeps them as NUMERIC
 * (exact at any size); SQLite as TEXT decimal strings, added by the `decimal_sum` and
 * `decimal_add` functions its store registers, because its own SUM and `+` go through a 64-bit
 * integer or a double. Both hand sums back as decimal strings.
 */
export interface DecimalSql {
  /** The column type of an amount that is summed. */
  readonly type: string;
  /** An aggregate: the exact sum of `expr` (NULLs skipped; NULL when there is none) as text. */
  sum(expr: string): string;
  /** `a + b`, exactly. */
  add(a: string, b: string): string;
}

const POSTGRES: DecimalSql = {
  type: 'NUMERIC',
  sum: (expr) => `CAST(SUM(${expr}) AS TEXT)`,
  add: (a, b) => `(${a} + ${b})`,
};

const SQLITE: DecimalSql = {
  type: 'TEXT',
  sum: (expr) => `decimal_sum(${expr})`,
  add: (a, b) => `decimal_add(${a}, ${b})`,
};

export const decimalSql = (dialect: SqlTx['dialect']): DecimalSql => (dialect === 'postgres' ? POSTGRES : SQLITE);
