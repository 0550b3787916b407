import type { AccountSpendCaps } from '../accounts/spend-caps-events';

/** A provider's caps on what one account may be charged a day and a month (UTC), in its currency. */
export interface SpendCaps {
  readonly perDay?: string;
  readonly perMonth?: string;
}

/** The caps that bind an account: its operator's where set, else the provider's for its currency. */
export function effectiveSpendCaps(provider: SpendCaps | undefined, account: AccountSpendCaps | null): SpendCaps | undefined {
  if (!account) return provider;
  const perDay = account.perDay ?? provider?.perDay;
  const perMonth = account.perMonth ?? provider?.perMonth;
  if (perDay === undefined && perMonth === undefined) return undefined;
  return { ...(perDay !== undefined ? { perDay } : {}), ...(perMonth !== undefined ? { perMonth } : {}) };
}
