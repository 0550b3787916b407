import { Map as PersistentMap } from 'immutable';
import { Decimal } from '../money';

/** A text still waiting for its outcome; it leaves the state once delivered, refunded or failed. */
export interface SmsRecord {
  readonly status: 'accepted' | 'submitted';
  readonly to: string;
  readonly segments: number;
  /** Reserved while accepted; charged once submitted. */
  readonly amount: Decimal;
  readonly charged: {
    readonly fromGrants: readonly { readonly grantId: string; readonly amount: Decimal }[];
    readonly fromPaid: Decimal;
  } | null;
  readonly parts: number;
  readonly deliveredParts: readonly string[];
}

export interface SmsState {
  /**
   * Texts awaiting their outcome, by id. A persistent map: each event changes one entry in
   * O(log n) instead of copying them all, so an account with thousands of texts awaiting
   * receipts costs no more per text than one with a few (a copied record made sending
   * quadratic in the texts outstanding).
   */
  readonly sms: PersistentMap<string, SmsRecord>;
  /**
   * This account's texts of the last day (oldest first): the rate limits count them, and a
   * request replayed after its text was settled is still known as a replay.
   */
  readonly smsRecent: readonly { readonly smsId: string; readonly at: string; readonly ms: number; readonly fingerprint: string }[];
}

export const initialSms: SmsState = { sms: PersistentMap<string, SmsRecord>(), smsRecent: [] };

const DAY_MS = 86_400_000;

/** The texts still inside the day before `at`, plus this one. */
export function withRecent(recent: SmsState['smsRecent'], text: SmsState['smsRecent'][number]): SmsState['smsRecent'] {
  const since = text.ms - DAY_MS;
  // oldest first: only the head can have left the day
  let first = 0;
  while (first < recent.length && recent[first]!.ms <= since) first++;
  return [...recent.slice(first), text];
}

export function withoutSms<S extends SmsState>(s: S, smsId: string): S {
  return s.sms.has(smsId) ? { ...s, sms: s.sms.remove(smsId) } : s;
}

export const ZERO = new Decimal(0);
