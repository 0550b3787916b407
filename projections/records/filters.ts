import { z } from 'zod';
import { parseE164 } from '../../core/e164';

/** The filters the API and the CLI accept, checked the same way in both. */
const instant = z.iso.datetime({ offset: true }).transform((t) => new Date(t).toISOString());
const digits = z.string().regex(/^\d{1,15}$/, 'must be the digits a number starts with');
const account = z.string().transform((n) => parseE164(n));

export const callOutcome = z.enum(['open', 'answered', 'failed', 'no-cdr', 'received']);
export const textStatus = z.enum(['accepted', 'submitted', 'delivered', 'failed', 'refunded']);

export const timeFilter = { since: instant.optional(), until: instant.optional() };
export const callFilter = z.object({
  ...timeFilter,
  outcome: callOutcome.optional(),
  account: account.optional(),
  carrier: z.string().min(1).max(200).optional(),
  prefix: digits.optional(),
});
export const textFilter = z.object({
  ...timeFilter,
  status: textStatus.optional(),
  account: account.optional(),
  gateway: z.string().min(1).max(200).optional(),
  prefix: digits.optional(),
});
