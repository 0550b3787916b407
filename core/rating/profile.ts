import { destinationOf, rateSegments, UnratedDestinationError, type CallCost, type Segment } from './cost';
import type { Nanos } from './duration';
import type { RatingPlan } from './tariff';

/** From `at` on, `planId` rates the profile's calls; `fallbackSubject` rates what that plan does not. */
export interface Activation {
  readonly at: number;
  readonly planId: string;
  readonly fallbackSubject: string;
}

/** A CGRateS rating profile: `tenant:category:subject` and its plans over time, sorted by `at`. */
export interface RatingProfile {
  readonly id: string;
  readonly activations: readonly Activation[];
}

export class ProfileError extends Error {
  override readonly name = 'ProfileError';
}

const MAX_FALLBACKS = 5;

/**
 * Rates a call on a rating profile: the plan activated last before each instant rates it, and a
 * call that crosses an activation is split there (each side on its own plan, the slots still
 * counted from the call start). A plan that does not rate the number hands it to the fallback
 * subject's profile (at most five hops).
 */
export function rateOnProfile(
  profiles: ReadonlyMap<string, RatingProfile>,
  plans: ReadonlyMap<string, RatingPlan>,
  profileId: string,
  digits: string,
  start: Date,
  duration: Nanos,
): CallCost {
  const resolve = (id: string, ms: number, hops: number): Segment & { plan: RatingPlan; matchedPrefix: string } => {
    const profile = profiles.get(id);
    if (!profile) throw new ProfileError(`no rating profile ${JSON.stringify(id)}`);
    let i = -1;
    while (i + 1 < profile.activations.length && profile.activations[i + 1]!.at <= ms) i++;
    if (i < 0) throw new ProfileError(`rating profile ${id} has no plan active at ${new Date(ms).toISOString()}`);
    const activation = profile.activations[i]!;
    const plan = plans.get(activation.planId);
    if (!plan) throw new ProfileError(`rating profile ${id} names plan ${activation.planId}, which is not imported`);
    const untilMs = i + 1 < profile.activations.length ? profile.activations[i + 1]!.at : Infinity;
    const d = destinationOf(plan, digits);
    if (!d) {
      if (!activation.fallbackSubject || hops >= MAX_FALLBACKS) throw new UnratedDestinationError(plan.id, digits);
      const [tenant, category] = id.split(':');
      const fallback = resolve(`${tenant}:${category}:${activation.fallbackSubject}`, ms, hops + 1);
      return { ...fallback, untilMs: Math.min(untilMs, fallback.untilMs) };
    }
    return {
      plan,
      planId: plan.id,
      timeZone: plan.timeZone,
      entries: d.entries,
      destinationId: d.destinationId,
      matchedPrefix: d.matchedPrefix,
      untilMs,
    };
  };
  const first = resolve(profileId, start.getTime(), 0);
  return rateSegments(
    first.plan,
    first,
    (ms) => {
      const segment = resolve(profileId, ms, 0);
      if (segment.plan.currency !== first.plan.currency) {
        throw new ProfileError(`rating profile ${profileId} changes currency mid-call (${first.plan.currency} → ${segment.plan.currency})`);
      }
      return segment;
    },
    start,
    duration,
  );
}
