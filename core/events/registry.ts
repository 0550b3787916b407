import { rejectedFactEvents } from '../facts/rejected';
import { catalogEvents } from '../rating/catalog-events';
import { smsGatewayEvents } from '../sms/events';
import { voucherEvents } from '../vouchers/events';
import { accountStreamEvents } from '../wallet/events';
import { eventCodec, type EventDefinitions } from './codec';

/** Every event type the engine writes, with its schema: what the log may hold. */
export const engineEvents = {
  ...accountStreamEvents,
  ...smsGatewayEvents,
  ...catalogEvents,
  ...voucherEvents,
  ...rejectedFactEvents,
} as const satisfies EventDefinitions;

export const engineCodec = eventCodec(engineEvents);
