import { z } from 'zod';

/**
 * A client app's own webhook endpoint for its account's notifications. The signing secret is
 * never recorded: it derives from the provider's secret, the account and `version`, so a new
 * registration (a higher version) is a new secret and the log holds nothing to leak.
 */
export const clientWebhookEvents = {
  ClientWebhookSet: {
    schemaVersion: 1,
    schema: z.object({ accountId: z.string(), url: z.string().url(), version: z.number().int().positive() }),
  },
  ClientWebhookRemoved: { schemaVersion: 1, schema: z.object({ accountId: z.string() }) },
} as const;

export type ClientWebhookEventType = keyof typeof clientWebhookEvents;

export interface ClientWebhook {
  readonly url: string;
  readonly version: number;
}
