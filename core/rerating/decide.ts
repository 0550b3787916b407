import type { Decider } from '../decider';
import { deriveId } from '../ids';
import { Decimal, parseDecimal } from '../money';
import type { AccountStreamEvent } from '../wallet/events';
import { evolveChargedCalls, initialChargedCalls, type ChargedCall, type ChargedCallsState } from './charged-calls';

export type RerateCommand =
  | {
      readonly type: 'rerate';
      readonly data: {
        readonly runId: string;
        readonly planId: string;
        readonly at: string;
        /** The new charge of each call, priced by the caller on the corrected plan (already rounded). */
        readonly prices: Readonly<Record<string, { readonly amount: string; readonly billedSeconds: number }>>;
      };
    }
  | {
      readonly type: 'reverse';
      readonly data: {
        readonly runId: string;
        readonly at: string;
      };
    };

type CallRerated = Extract<AccountStreamEvent, { type: 'CallRerated' }>;

/**
 * One correction: the difference against the call's charge now. A higher charge is taken from
 * paid credit (it may go below zero, a debt the next top-up settles); a lower one first cuts
 * what the provider absorbed of the call, then is given back to paid credit up to what paid
 * credit carries of the call, the rest as promotional credit
 * with no expiry, so a call made on a free trial never turns into paid (refundable) money.
 */
function correction(
  s: ChargedCallsState,
  call: ChargedCall,
  after: Decimal,
  c: { runId: string; planId: string; at: string; billedSeconds: number },
): CallRerated | null {
  const delta = after.minus(call.amount);
  if (delta.isZero()) return null;
  const sequence = call.sequence + 1;
  const key = [s.accountId, call.callId, String(sequence)] as const;
  let paidChange = delta.negated();
  let grant: CallRerated['data']['grant'] = null;
  if (delta.isNegative()) {
    // what the provider absorbed was never the customer's: a lower price cuts that first
    const refund = delta.negated().minus(Decimal.min(delta.negated(), Decimal.max(call.absorbed, 0)));
    const toPaid = Decimal.min(refund, Decimal.max(call.paidShare, 0));
    const rest = refund.minus(toPaid);
    paidChange = toPaid;
    if (rest.greaterThan(0)) grant = { grantId: deriveId('rerate-grant', ...key), amount: rest.toFixed() };
  }
  return {
    type: 'CallRerated',
    // the n-th correction of a call: two runs racing to make it write it once
    id: deriveId('call-rerated', ...key),
    data: {
      accountId: s.accountId,
      callId: call.callId,
      sequence,
      runId: c.runId,
      planId: c.planId,
      destination: call.destination,
      answeredAt: call.answeredAt,
      endedAt: call.endedAt,
      billedSeconds: c.billedSeconds,
      currency: call.currency,
      amountBefore: call.amount.toFixed(),
      amountAfter: after.toFixed(),
      delta: delta.toFixed(),
      paidChange: paidChange.toFixed(),
      grant,
      at: c.at,
    },
  };
}

function decide(c: RerateCommand, s: ChargedCallsState): CallRerated[] {
  const out: CallRerated[] = [];
  if (c.type === 'rerate') {
    for (const callId of Object.keys(c.data.prices).sort()) {
      const call = s.calls[callId];
      const price = c.data.prices[callId]!;
      if (!call) continue;
      const e = correction(s, call, parseDecimal(price.amount), {
        runId: c.data.runId,
        planId: c.data.planId,
        at: c.data.at,
        billedSeconds: price.billedSeconds,
      });
      if (e) out.push(e);
    }
    return out;
  }
  for (const call of Object.values(s.calls)) {
    if (call.lastRun?.runId !== c.data.runId) continue;
    const e = correction(s, call, parseDecimal(call.lastRun.amountBefore), {
      runId: `reverse:${c.data.runId}`,
      planId: 'reverse',
      at: c.data.at,
      billedSeconds: call.lastRun.billedSecondsBefore,
    });
    if (e) out.push(e);
  }
  return out.sort((a, b) => (a.data.callId < b.data.callId ? -1 : a.data.callId > b.data.callId ? 1 : 0));
}

/** Rerating as a decider over an account stream: its own view of the stream (charged calls), the wallet's events. */
export const rerateDecider: Decider<RerateCommand, AccountStreamEvent, ChargedCallsState> = {
  initialState: initialChargedCalls,
  decide,
  evolve: evolveChargedCalls,
  evolvesOn: ['CallCharged', 'ChargeShortfall', 'CallRerated'],
};
