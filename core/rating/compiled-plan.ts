import { buildPrefixTrie, type PrefixTrie } from './prefix-trie';
import { ANY, type PlanEntry, type RatingPlan } from './tariff';

/** A plan with its lookup structures: built once per plan version, then read concurrently. */
export interface CompiledPlan {
  readonly plan: RatingPlan;
  readonly trie: PrefixTrie;
  /** trie value → destination id. */
  readonly destinationIds: readonly string[];
  readonly entriesByDestination: readonly (readonly PlanEntry[])[];
  readonly anyEntries: readonly PlanEntry[] | null;
}

const compiled = new WeakMap<RatingPlan, CompiledPlan>();

/**
 * Indexes the prefixes of the destinations the plan rates. When two destinations of one plan
 * claim the same prefix, the one whose id sorts first wins, so the choice never depends on
 * file order.
 */
export function compilePlan(plan: RatingPlan): CompiledPlan {
  const cached = compiled.get(plan);
  if (cached) return cached;
  const destinationIds = [...plan.entries.keys()].filter((d) => d !== ANY && plan.destinations.has(d)).sort();
  const owner = new Map<string, number>();
  destinationIds.forEach((id, index) => {
    for (const prefix of plan.destinations.get(id) ?? []) if (!owner.has(prefix)) owner.set(prefix, index);
  });
  const result: CompiledPlan = {
    plan,
    trie: buildPrefixTrie(owner),
    destinationIds,
    entriesByDestination: destinationIds.map((id) => plan.entries.get(id) ?? []),
    anyEntries: plan.entries.get(ANY) ?? null,
  };
  compiled.set(plan, result);
  return result;
}
