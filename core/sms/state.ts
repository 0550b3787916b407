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

/** A text sent lately: when (epoch ms), and what was sent, to recognise a replayed request. */
export interface RecentText {
  readonly smsId: string;
  readonly ms: number;
  readonly fingerprint: string;
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
  readonly smsRecent: readonly RecentText[];
}

export const initialSms: SmsState = { sms: PersistentMap<string, SmsRecord>(), smsRecent: [] };

export const DAY_MS = 86_400_000;

/** How many of the texts were sent after `ms` (what the rate limits count). */
export function sentAfter(recent: readonly RecentText[], ms: number): number {
  let n = 0;
  for (const t of recent) if (t.ms > ms) n++;
  return n;
}

/**
 * The texts still inside the day before this one, plus this one. A full pass rather than
 * trimming the head: texts from two nodes can be recorded slightly out of time order, and the
 * list is at most the day's limit long (200 by default).
 */
export function withRecent(recent: readonly RecentText[], text: RecentText): readonly RecentText[] {
  const since = text.ms - DAY_MS;
  return [...recent.filter((t) => t.ms > since), text];
}

export function withoutSms<S extends SmsState>(s: S, smsId: string): S {
  return s.sms.has(smsId) ? { ...s, sms: s.sms.remove(smsId) } : s;
}

export const ZERO = new Decimal(0);
