import { createHash } from 'node:crypto';
import { handleCommand } from '../../core/command-handler';
import type { EventMetadata } from '../../core/events/envelope';
import { planStream, profileStream } from '../../core/rating/catalog-events';
import { planDecider } from '../../core/rating/plan-decider';
import { profileDecider } from '../../core/rating/profile-decider';
import { catalogHandler, type RatingServiceDeps } from './deps';
import { ImportRejectedError, UnknownFormatError } from './errors';

/** Rating plans and profiles published from a tariff export (CGRateS and the like). */
export function tariffImport(deps: RatingServiceDeps) {
  const handler = catalogHandler(deps);
  return {
    async importTariffs(input: {
      path: string;
      format?: string;
      currency: string;
      timeZone?: string;
      skipBadRows?: boolean;
      onProgress?: (records: number) => void;
      metadata?: EventMetadata;
    }): Promise<{
      plans: { planId: string; version: number; unchanged: boolean; destinations: number }[];
      profiles: number;
      skipped: number;
    }> {
      const importer = deps.tariffImporters.get(input.format ?? 'cgrates');
      if (!importer)
        throw new UnknownFormatError(
          `no tariff format ${JSON.stringify(input.format)} (known: ${[...deps.tariffImporters.keys()].join(', ')})`,
        );
      const parsed = await importer.parse(input.path, { onProgress: input.onProgress });
      if (parsed.errors.length > 0 && !input.skipBadRows) throw new ImportRejectedError(parsed.errors, parsed.records);
      const out = [];
      for (const plan of parsed.plans) {
        const content = {
          currency: input.currency,
          timeZone: input.timeZone ?? 'UTC',
          destinations: [...plan.destinations].sort(),
          entries: plan.entries,
        };
        const r = await handleCommand(
          handler,
          planDecider,
          planStream(plan.planId),
          {
            type: 'publish-plan',
            data: {
              planId: plan.planId,
              currency: content.currency,
              timeZone: content.timeZone,
              destinations: plan.destinations,
              entries: plan.entries,
              sha256: createHash('sha256').update(JSON.stringify(content)).digest('hex'),
              source: input.path,
            },
          },
          { metadata: input.metadata ?? {} },
        );
        out.push({ planId: plan.planId, version: r.state.version, unchanged: r.events.length === 0, destinations: plan.destinations.size });
      }
      let profiles = 0;
      for (const profile of parsed.profiles ?? []) {
        const r = await handleCommand(
          handler,
          profileDecider,
          profileStream(profile.profileId),
          { ...profile, sha256: createHash('sha256').update(JSON.stringify(profile.activations)).digest('hex'), source: input.path },
          { metadata: input.metadata ?? {} },
        );
        profiles += r.events.length;
      }
      return { plans: out, profiles, skipped: parsed.errors.length };
    },
  };
}
