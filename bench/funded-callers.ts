import { callsEngine, type CallsEngine } from '../test/support/calls-engine';
import { signer, type Signer } from '../test/support/signed-fetch';

/**
 * The call benches' bed: an engine with one carrier (test/support/calls-engine.ts) and `count`
 * EUR accounts (+4420794620xx…) funded with 1,000 each. Closed again if funding fails.
 */
export async function fundedCallers(
  count: number,
  options: Omit<Parameters<typeof callsEngine>[0], 'people'> = {},
): Promise<{ bed: CallsEngine; people: Signer[] }> {
  const people = Array.from({ length: count }, (_, i) => signer(`+44207946${String(2000 + i).padStart(4, '0')}`));
  const bed = await callsEngine({ people, ...options });
  try {
    for (const p of people) await bed.fund(p.keyid, '1000');
  } catch (error) {
    await bed.close();
    throw error;
  }
  return { bed, people };
}
