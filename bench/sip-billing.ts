import { chargeFor } from '../core/pricing/charge';
import type { Engine } from '../adapters/runtime/engine';

type Row = Parameters<typeof chargeFor>[0];

/**
 * The billing of one sipp run, from the caller's stream: the calls charged whose Call-ID starts
 * with `tag`, waited for (bounded, 15 s: CDRs follow the BYEs) until there are `answered`; a
 * billing error is an answered call not charged, one charged twice, or one charged other than
 * its authorized rate gives.
 */
export async function billingOf(
  engine: Engine,
  caller: string,
  tag: string,
  answered: number,
): Promise<{ charged: number; errors: number }> {
  const deadline = Date.now() + 15_000;
  let charges: { callId: string; amount: string; seconds: number }[] = [];
  let authorized = new Map<string, { row: Row }>();
  do {
    charges = [];
    authorized = new Map();
    for await (const e of engine.store.readStream(`account-${caller}`)) {
      const d = e.data as { callId: string; amount: string; seconds: number; retail: { row: Row } };
      if (e.type === 'CallCharged' && d.callId.startsWith(`${tag}-`)) charges.push(d);
      if (e.type === 'CallAuthorized') authorized.set(d.callId, d.retail);
    }
    if (charges.length >= answered) break;
    await new Promise((r) => setTimeout(r, 200));
  } while (Date.now() < deadline);
  const ids = new Set(charges.map((c) => c.callId));
  const wrong = charges.filter((c) => chargeFor(authorized.get(c.callId)!.row, c.seconds).amount.toFixed() !== c.amount).length;
  return { charged: charges.length, errors: Math.abs(answered - ids.size) + (charges.length - ids.size) + wrong };
}
