import type { EventStore } from '../../core/event-store';
import { Decimal } from '../../core/money';
import { accountStreamCodec, accountStreamEvents, grantedOf, walletDecider, type WalletState } from '../../core/wallet';
import type { ReadModelStore } from '../../application/ports/read-model-store';
import { absorbedByAccount, absorbedLine } from './absorbed';

export interface Difference {
  readonly number: string;
  readonly field: 'paid' | 'granted' | 'reserved' | 'missing' | 'liability' | 'absorbed';
  readonly readModel: string;
  readonly log: string;
}

export interface CheckResult {
  readonly position: number;
  readonly accounts: number;
  readonly events: number;
  readonly differences: readonly Difference[];
}

const ACCOUNT_TYPES = new Set(Object.keys(accountStreamEvents));

/**
 * The ledger invariant: for every account, the balances read model (paid, granted, reserved)
 * equals the fold of its events by the wallet decider, and the finance read model's paid
 * movements sum to the same paid balance, and its absorbed lines (what the provider took on:
 * shortfalls, uncovered reversals) to what the log records. Read models must have caught up to
 * `position`.
 */
export async function checkLedger(
  store: EventStore,
  rm: ReadModelStore,
  position: number,
  onProgress?: (events: number) => void,
): Promise<CheckResult> {
  const states = new Map<string, WalletState>();
  const absorbed = new Map<string, Decimal>();
  let events = 0;
  for await (const e of store.readAll(0)) {
    if (e.position > position) break;
    if (!e.stream.startsWith('account-') || !ACCOUNT_TYPES.has(e.type)) continue;
    const number = e.stream.slice('account-'.length);
    const event = accountStreamCodec.decode(e);
    states.set(number, walletDecider.evolve(states.get(number) ?? walletDecider.initialState, event));
    const line = absorbedLine(event);
    if (line) absorbed.set(number, (absorbed.get(number) ?? new Decimal(0)).plus(line.amount));
    if (++events % 10_000 === 0) onProgress?.(events);
  }
  const rows = await rm.query<{ number: string; paid: string; granted: string; reserved: string }>(
    'SELECT number, paid, granted, reserved FROM wallet_accounts',
  );
  const money = await rm.query<{ number: string; paid: string }>('SELECT number, paid FROM finance_money WHERE position <= ?', [position]);
  const financePaid = new Map<string, Decimal>();
  for (const m of money) financePaid.set(m.number, (financePaid.get(m.number) ?? new Decimal(0)).plus(m.paid));
  const financeAbsorbed = await absorbedByAccount(rm, position);
  const byNumber = new Map(rows.map((r) => [r.number, r]));
  const differences: Difference[] = [];
  for (const [number, s] of states) {
    if (s.status === 'none') continue;
    const row = byNumber.get(number);
    if (!row) {
      differences.push({ number, field: 'missing', readModel: '', log: s.paid.toFixed() });
      continue;
    }
    const pairs: [Difference['field'], string, Decimal][] = [
      ['paid', row.paid, s.paid],
      ['granted', row.granted, grantedOf(s)],
      ['reserved', row.reserved, s.reserved],
      ['liability', (financePaid.get(number) ?? new Decimal(0)).toFixed(), s.paid],
      ['absorbed', (financeAbsorbed.get(number) ?? new Decimal(0)).toFixed(), absorbed.get(number) ?? new Decimal(0)],
    ];
    for (const [field, stored, folded] of pairs)
      if (!new Decimal(stored).equals(folded))
        differences.push({ number, field, readModel: new Decimal(stored).toFixed(), log: folded.toFixed() });
  }
  return { position, accounts: states.size, events, differences };
}
