/** A provider's caps on what one account may be charged a day and a month (UTC), in its currency. */
export interface SpendCaps {
  readonly perDay?: string;
  readonly perMonth?: string;
}
