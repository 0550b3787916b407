import type { JsonObject } from '../json';
import { rejectedFactEvents } from '../facts/rejected';
import { catalogEvents } from '../rating/catalog-events';
import { settingsEvents } from '../settings/live-settings';
import { smsGatewayEvents } from '../sms/events';
import { voucherEvents } from '../vouchers/events';
import { accountStreamEvents } from '../wallet/events';
import { eventCodec, type EventCodec, type EventDefinition, type EventDefinitions } from './codec';

/** Every event type the engine itself writes, with its schema. */
export const engineEvents = {
  ...accountStreamEvents,
  ...smsGatewayEvents,
  ...catalogEvents,
  ...voucherEvents,
  ...rejectedFactEvents,
  ...settingsEvents,
} as const satisfies EventDefinitions;

/** What the log of one engine may hold: the engine's event types, then those its plugins add. */
export interface EventRegistry extends Pick<EventCodec<never>, 'validate'> {
  /** Adds a plugin's event types; a type that exists already is refused (it would change what the log means). */
  add(definitions: EventDefinitions, owner: string): void;
}

export function eventRegistry(): EventRegistry {
  const definitions: Record<string, EventDefinition<JsonObject>> = { ...engineEvents };
  let codec = eventCodec(definitions);
  return {
    add(more, owner) {
      for (const type of Object.keys(more)) {
        if (Object.hasOwn(definitions, type)) throw new Error(`${owner}: an event type named ${type} exists already`);
      }
      Object.assign(definitions, more);
      codec = eventCodec(definitions);
    },
    validate: (event) => codec.validate(event),
  };
}
