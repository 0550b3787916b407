import { DomainError } from '../decider';

/** An account's suspicions of fraud: open ones hold its paid services. */
export interface FraudHold {
  /** Open suspicions by id, with the rule that raised them. */
  readonly open: Readonly<Record<string, { readonly rule: string; readonly at: string }>>;
  /** Reviews so far: a suspicion raised before the latest one is stale. */
  readonly clears: number;
  /** When the latest review was: activity before it is not counted again. */
  readonly clearedAt: string | null;
}

export const noFraudHold: FraudHold = { open: {}, clears: 0, clearedAt: null };

type FraudEvent =
  | { readonly type: 'FraudSuspected'; readonly data: { readonly suspicionId: string; readonly rule: string; readonly at: string } }
  | { readonly type: 'FraudCleared'; readonly data: { readonly at: string } };

export function evolveFraudHold(h: FraudHold, e: { readonly type: string; readonly data: unknown }): FraudHold {
  const f = e as FraudEvent;
  switch (f.type) {
    case 'FraudSuspected':
      return { ...h, open: { ...h.open, [f.data.suspicionId]: { rule: f.data.rule, at: f.data.at } } };
    case 'FraudCleared':
      return { open: {}, clears: h.clears + 1, clearedAt: f.data.at };
    default:
      return h;
  }
}

/** Whether any suspicion is open; asked on every authorization, so it allocates nothing. */
export function isHeld(h: FraudHold): boolean {
  for (const id in h.open) if (Object.hasOwn(h.open, id)) return true;
  return false;
}

/**
 * Refuses a paid service (a PSTN call, its extension, a text) while a suspicion is open. Free
 * on-net calls and emergency calls are never held.
 */
export function refuseWhileHeld(h: FraudHold): void {
  if (!isHeld(h)) return;
  const suspicions = Object.keys(h.open);
  throw new DomainError('fraud-review', 'paid calls and texts are held while the account is reviewed for fraud', {
    suspicions: suspicions.join(','),
    rules: [...new Set(suspicions.map((id) => h.open[id]!.rule))].join(','),
  });
}
