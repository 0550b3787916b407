import { handleCommand } from '../../core/command-handler';
import { DomainError } from '../../core/decider';
import type { EventMetadata } from '../../core/events/envelope';
import type { JsonObject } from '../../core/json';
import { settingsCodec, settingsDecider, SETTINGS_STREAM, type SettingsCommand } from '../../core/settings/live-settings';
import type { RatingServiceDeps } from './deps';

/** The settings an operator records in the log for every node: blocked prefixes and pricing options. */
export function liveSettings(deps: RatingServiceDeps) {
  const settingsHandler = { store: deps.store, ids: deps.ids, codec: settingsCodec };
  return {
    /** Blocked destination prefixes: as recorded in the log, else as configured. */
    blockedPrefixes: (): readonly string[] => deps.rates.current().settings.blockedPrefixes ?? deps.blockedPrefixes,

    /** Records live settings (validated first: pricing options by the policy), for every node to load. */
    async setSettings(
      input: { blockedPrefixes?: readonly string[]; pricing?: JsonObject },
      metadata: EventMetadata = {},
    ): Promise<{ changed: boolean }> {
      const record = async (command: SettingsCommand): Promise<boolean> =>
        (await handleCommand(settingsHandler, settingsDecider, SETTINGS_STREAM, command, { metadata })).events.length > 0;
      let changed = false;
      if (input.pricing !== undefined) {
        if (!deps.pricing.withOptions)
          throw new DomainError('invalid-setting', `the ${deps.pricing.name} pricing policy takes no live options`);
        try {
          deps.pricing.withOptions(input.pricing);
        } catch (err) {
          throw new DomainError('invalid-setting', (err as Error).message);
        }
        changed = (await record({ type: 'set-pricing-options', data: { options: input.pricing } })) || changed;
      }
      if (input.blockedPrefixes !== undefined) {
        changed = (await record({ type: 'set-blocked-prefixes', data: { prefixes: input.blockedPrefixes } })) || changed;
      }
      return { changed };
    },
  };
}
