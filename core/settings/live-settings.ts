import { z } from 'zod';
import { DomainError, type Decider } from '../decider';
import { eventCodec, type EventsOf } from '../events/codec';
import type { JsonObject, JsonValue } from '../json';

/**
 * Settings an operator changes while engines serve: recorded in the log, so every node picks them
 * up with the rates (same revision, same rollout), instead of a file each node reads at start.
 */
const prefixes = z.array(z.string().regex(/^\d{1,15}$/)).max(10_000);
const pricingOptions = z.record(z.string(), z.json() as z.ZodType<JsonValue>) as z.ZodType<JsonObject>;

export const settingsEvents = {
  /** The destination prefixes no call or text may go to (replaces the configured list). */
  BlockedPrefixesSet: { schemaVersion: 1, schema: z.object({ prefixes }) },
  /** Options of the pricing policy, over the configured ones (validated by the policy before it is recorded). */
  PricingOptionsSet: { schemaVersion: 1, schema: z.object({ options: pricingOptions }) },
} as const;

export const settingsCodec = eventCodec(settingsEvents);
export type SettingsEvent = EventsOf<typeof settingsEvents>;
export const SETTINGS_STREAM = 'settings';

export type SettingsCommand =
  | { readonly type: 'set-blocked-prefixes'; readonly data: { readonly prefixes: readonly string[] } }
  | { readonly type: 'set-pricing-options'; readonly data: { readonly options: JsonObject } };

export interface SettingsState {
  readonly blockedPrefixes: readonly string[] | null;
  readonly pricing: JsonObject | null;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Setting what is set already changes nothing (no event, no new revision). */
export const settingsDecider: Decider<SettingsCommand, SettingsEvent, SettingsState> = {
  initialState: { blockedPrefixes: null, pricing: null },
  decide(command, state) {
    switch (command.type) {
      case 'set-blocked-prefixes': {
        const parsed = prefixes.safeParse(command.data.prefixes);
        if (!parsed.success) throw new DomainError('invalid-setting', 'blocked prefixes are 1 to 15 digits each, at most 10,000');
        const sorted = [...new Set(parsed.data)].sort();
        return same(sorted, state.blockedPrefixes) ? [] : [{ type: 'BlockedPrefixesSet', data: { prefixes: sorted } }];
      }
      case 'set-pricing-options': {
        const parsed = pricingOptions.safeParse(command.data.options);
        if (!parsed.success || JSON.stringify(parsed.data).length > 100_000)
          throw new DomainError('invalid-setting', 'pricing options are a JSON object of at most 100 kB');
        // a key order of its own: the same options given in another order are the same options
        const options = Object.fromEntries(Object.entries(parsed.data).sort(([a], [b]) => (a < b ? -1 : 1)));
        return same(options, state.pricing) ? [] : [{ type: 'PricingOptionsSet', data: { options } }];
      }
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'BlockedPrefixesSet':
        return { ...state, blockedPrefixes: event.data.prefixes };
      case 'PricingOptionsSet':
        return { ...state, pricing: event.data.options };
    }
  },
};
