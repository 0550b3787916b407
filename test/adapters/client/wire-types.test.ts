import type * as Wire from '../../../adapters/client/wire-types';
import type { AccountSummary } from '../../../projections/balances/account-list';
import type { BalanceView, LedgerLine } from '../../../projections/balances/queries';
import type { CallRecord, OperatorCallRecord } from '../../../projections/records/call-queries';
import type { Page } from '../../../projections/records/page';
import type { TextRecord } from '../../../projections/records/text-queries';
import type { RedeemResult } from '../../../application/vouchers/redeem';
import type { autoTopUpView } from '../../../application/payments/auto-top-up';
import type { CreatedSetup } from '../../../core/payments/processor';

/** True only when each type is assignable to the other: the SDK's copy says what the engine sends. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// a drift between the engine's views and the published SDK's types fails to compile here
const same: [
  Same<Wire.BalanceView, BalanceView>,
  Same<Wire.LedgerLine, LedgerLine>,
  Same<Wire.Redemption, RedeemResult>,
  Same<Wire.CallRecord, CallRecord>,
  Same<Wire.OperatorCallRecord, OperatorCallRecord>,
  Same<Wire.TextRecord, TextRecord>,
  Same<Wire.AccountSummary, AccountSummary>,
  Same<Wire.Page<number>, Page<number>>,
  Same<Wire.AutoTopUp, ReturnType<typeof autoTopUpView>>,
  Same<Wire.PaymentMethodSetup, CreatedSetup & { processor: string }>,
] = [true, true, true, true, true, true, true, true, true, true];

test('the SDK’s wire types are the engine’s views', () => {
  expect(same.every((s) => s)).toBe(true);
});
