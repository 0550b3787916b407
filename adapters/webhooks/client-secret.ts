import { createHmac } from 'node:crypto';

/**
 * A client app's webhook signing secret (Standard Webhooks `whsec_` form): an HMAC of the
 * account's number and registration version under the provider's `clientWebhookSecret`. Never
 * stored; registering again makes a new one, and the old one stops verifying.
 */
export function clientWebhookSecret(master: string, number: string, version: number): string {
  return `whsec_${createHmac('sha256', master).update(`trunkline client webhook\n${number}\n${version}`).digest('base64')}`;
}
