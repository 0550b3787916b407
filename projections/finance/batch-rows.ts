import type { SqlTx, SqlValue } from '../../application/ports/read-model-store';
import { DailySums, trafficGroupChanged } from './daily-aggregates';
import { insertRows } from '../sql-rows';

/** A `finance_traffic` row as the batch holds it: as the store returned it, or as the batch made it. */
export interface TrafficRow {
  ref: string;
  kind: string;
  external_id: string;
  started_at: string | null;
  position: number | string;
  recorded_at: string;
  day: string;
  number: string;
  destination: string;
  country: string;
  currency: string;
  revenue: string;
  units: number | string;
  counterparty: string | null;
  prefix: string | null;
  cost: string | null;
  cost_rounded: string | null;
  cost_currency: string | null;
  cost_position: number | string | null;
  refunded: string | null;
  refund_position: number | string | null;
  run_id: string | null;
}

/** What a new traffic row is made of; the cost, refund and rerating run may come later. */
export type NewTraffic = Omit<TrafficRow, LaterColumn> & Partial<Pick<TrafficRow, LaterColumn>>;
type LaterColumn =
  'counterparty' | 'prefix' | 'cost' | 'cost_rounded' | 'cost_currency' | 'cost_position' | 'refunded' | 'refund_position' | 'run_id';

/**
 * A traffic row with every column, always in one order: rows are made and copied by these two
 * literals, never by spreading, because V8 turns a spread followed by many more properties into
 * a slow dictionary object (a hundred times slower to build).
 */
export function trafficRow(r: NewTraffic): TrafficRow {
  return {
    ref: r.ref,
    kind: r.kind,
    external_id: r.external_id,
    started_at: r.started_at,
    position: r.position,
    recorded_at: r.recorded_at,
    day: r.day,
    number: r.number,
    destination: r.destination,
    country: r.country,
    currency: r.currency,
    revenue: r.revenue,
    units: r.units,
    counterparty: r.counterparty ?? null,
    prefix: r.prefix ?? null,
    cost: r.cost ?? null,
    cost_rounded: r.cost_rounded ?? null,
    cost_currency: r.cost_currency ?? null,
    cost_position: r.cost_position ?? null,
    refunded: r.refunded ?? null,
    refund_position: r.refund_position ?? null,
    run_id: r.run_id ?? null,
  };
}

/** An attempt row with every column, in one order (see `trafficRow`). */
export function attemptRow(
  r: Omit<AttemptRow, 'outcome' | 'outcome_position' | 'carried_by' | 'seconds'> & Partial<AttemptRow>,
): AttemptRow {
  return {
    ref: r.ref,
    day: r.day,
    position: r.position,
    first_carrier: r.first_carrier,
    outcome: r.outcome ?? null,
    outcome_position: r.outcome_position ?? null,
    carried_by: r.carried_by ?? null,
    seconds: r.seconds ?? null,
  };
}

/** A `finance_attempts` row: the carrier LCR tried first for a call, and how the call ended. */
export interface AttemptRow {
  ref: string;
  day: string;
  position: number | string;
  first_carrier: string;
  outcome: string | null;
  outcome_position: number | string | null;
  carried_by: string | null;
  seconds: number | null;
}

const TRAFFIC_COLUMNS: readonly (keyof TrafficRow)[] = [
  'ref',
  'kind',
  'external_id',
  'started_at',
  'position',
  'recorded_at',
  'day',
  'number',
  'destination',
  'country',
  'currency',
  'revenue',
  'units',
  'counterparty',
  'prefix',
  'cost',
  'cost_rounded',
  'cost_currency',
  'cost_position',
  'refunded',
  'refund_position',
  'run_id',
];
const ATTEMPT_COLUMNS: readonly (keyof AttemptRow)[] = [
  'ref',
  'day',
  'position',
  'first_carrier',
  'outcome',
  'outcome_position',
  'carried_by',
  'seconds',
];
const MONEY_COLUMNS = ['position', 'type', 'recorded_at', 'day', 'number', 'reference', 'currency', 'paid', 'promo'];
const ABSORBED_COLUMNS = ['position', 'type', 'kind', 'reason', 'recorded_at', 'day', 'number', 'reference', 'currency', 'amount'];

/** Refs read per statement; a short last chunk repeats its first ref, so there is one statement text per table. */
const REFS_PER_READ = 200;
const upsertTail = (key: string, columns: readonly string[]) =>
  `ON CONFLICT (${key}) DO UPDATE SET ${columns
    .filter((c) => c !== key)
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}`;

async function readByRef<T extends { ref: string }>(tx: SqlTx, table: string, refs: readonly string[], into: Map<string, T | null>) {
  for (let i = 0; i < refs.length; i += REFS_PER_READ) {
    const chunk = refs.slice(i, i + REFS_PER_READ);
    const padded = [...chunk, ...Array<string>(REFS_PER_READ - chunk.length).fill(chunk[0]!)];
    for (const ref of chunk) into.set(ref, null);
    const rows = await tx.all<T>(`SELECT * FROM ${table} WHERE ref IN (${Array<string>(REFS_PER_READ).fill('?').join(', ')})`, padded);
    for (const row of rows) into.set(row.ref, row);
  }
}

/**
 * A batch of the finance projection in memory: the traffic and attempt rows its events touch,
 * read once up front, changed in memory in log order, and written once each when the batch ends;
 * money and absorbed lines gathered and inserted many to a statement. What the tables hold after
 * `write` is what one statement per change would have left.
 */
export class FinanceBatch {
  private readonly traffic = new Map<string, TrafficRow | null>();
  private readonly attempts = new Map<string, AttemptRow | null>();
  /** Changed rows, in the order they first changed (rows the batch creates are inserted in log order). */
  private readonly dirtyTraffic = new Set<string>();
  private readonly dirtyAttempts = new Set<string>();
  private readonly money: SqlValue[][] = [];
  private readonly absorbed: SqlValue[][] = [];
  readonly sums: DailySums;

  constructor(dialect: SqlTx['dialect']) {
    this.sums = new DailySums(dialect);
  }

  /** Reads the rows of `refs` (traffic and attempts share their refs) that this batch has not read yet. */
  async load(tx: SqlTx, refs: ReadonlySet<string>): Promise<void> {
    const missing = [...refs].filter((r) => !this.traffic.has(r));
    await readByRef(tx, 'finance_traffic', missing, this.traffic);
    await readByRef(tx, 'finance_attempts', missing, this.attempts);
  }

  trafficRow(ref: string): TrafficRow | null {
    const row = this.traffic.get(ref);
    if (row === undefined) throw new Error(`finance: traffic row ${ref} was not read for this batch`);
    return row;
  }

  /** Replaces a traffic row, moving its contribution to the daily sums from the group it was in to the one it is in now. */
  setTraffic(ref: string, after: TrafficRow): void {
    const before = this.trafficRow(ref);
    this.traffic.set(ref, after);
    this.dirtyTraffic.add(ref);
    if (before && !trafficGroupChanged(before, after)) return; // a replay changed nothing summed
    if (before) this.sums.contribute(before, -1);
    this.sums.contribute(after, 1);
  }

  attempt(ref: string): AttemptRow | null {
    const row = this.attempts.get(ref);
    if (row === undefined) throw new Error(`finance: attempt row ${ref} was not read for this batch`);
    return row;
  }

  setAttempt(ref: string, row: AttemptRow): void {
    this.attempts.set(ref, row);
    this.dirtyAttempts.add(ref);
  }

  addMoney(row: SqlValue[]): void {
    this.money.push(row);
  }

  addAbsorbed(row: SqlValue[]): void {
    this.absorbed.push(row);
  }

  async write(tx: SqlTx): Promise<void> {
    await insertRows(tx, 'finance_money', MONEY_COLUMNS, this.money, 'ON CONFLICT (position) DO NOTHING');
    await insertRows(tx, 'finance_absorbed', ABSORBED_COLUMNS, this.absorbed, 'ON CONFLICT (position) DO NOTHING');
    const traffic = [...this.dirtyTraffic].map((ref) => TRAFFIC_COLUMNS.map((c) => this.traffic.get(ref)![c]));
    await insertRows(tx, 'finance_traffic', TRAFFIC_COLUMNS, traffic, upsertTail('ref', TRAFFIC_COLUMNS));
    const attempts = [...this.dirtyAttempts].map((ref) => ATTEMPT_COLUMNS.map((c) => this.attempts.get(ref)![c]));
    await insertRows(tx, 'finance_attempts', ATTEMPT_COLUMNS, attempts, upsertTail('ref', ATTEMPT_COLUMNS));
    await this.sums.write(tx);
  }
}
