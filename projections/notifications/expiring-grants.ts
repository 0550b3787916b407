import { deriveId } from '../../core/ids';
import type { NotificationType } from '../../core/notifications/notifications';
import type { ReadModelStore } from '../../application/ports/read-model-store';
import { createOutbox } from './outbox';
import { clientEndpointId, createClientEndpoints } from './projection';

interface Row {
  number: string;
  account_id: string;
  currency: string;
  grant_id: string;
  remaining: string;
  expires_at: string;
  client: string | null;
}

/**
 * `grant.expiring`: grants with credit left that lapse within `noticeHours`, told once per grant
 * and endpoint (the outbox id derives from them, so every sweep after the first adds nothing).
 * A time, not an event, brings this one about: it is swept from the balances read model.
 */
export async function enqueueExpiringGrants(
  rm: ReadModelStore,
  endpoints: readonly { readonly id: string; readonly events?: readonly NotificationType[] }[],
  now: Date,
  noticeHours: number,
  /** Whether client apps' own endpoints are told too. */
  clients = false,
): Promise<number> {
  const wanting = endpoints.filter((e) => !e.events || e.events.includes('grant.expiring'));
  if (wanting.length === 0 && !clients) return 0;
  if (clients) await rm.migrate(createClientEndpoints);
  const until = new Date(now.getTime() + noticeHours * 3_600_000);
  const rows = await rm.query<Row>(
    `SELECT g.number, a.account_id, a.currency, g.grant_id, g.remaining, g.expires_at, ${clients ? 'c.number' : 'NULL'} AS client
     FROM wallet_grants g JOIN wallet_accounts a ON a.number = g.number
     ${clients ? 'LEFT JOIN notify_client_webhooks c ON c.number = g.number' : ''}
     WHERE g.expires_at > ? AND g.expires_at <= ? AND g.remaining <> '0' ORDER BY g.expires_at LIMIT 1000`,
    [now.toISOString(), until.toISOString()],
  );
  if (rows.length === 0) return 0;
  await rm.migrate(createOutbox);
  return rm.transaction(async (tx) => {
    for (const r of rows)
      for (const endpoint of r.client ? [...wanting, { id: clientEndpointId(r.number) }] : wanting) {
        const payload = JSON.stringify({
          type: 'grant.expiring',
          timestamp: now.toISOString(),
          data: {
            number: r.number,
            accountId: r.account_id,
            grantId: r.grant_id,
            remaining: r.remaining,
            currency: r.currency,
            expiresAt: r.expires_at,
          },
        });
        await tx.run(
          `INSERT INTO webhook_outbox (id, endpoint, type, payload, event_position, status, attempts, next_attempt_at, created_at)
           VALUES (?, ?, 'grant.expiring', ?, 0, 'pending', 0, ?, ?) ON CONFLICT (id) DO NOTHING`,
          [
            `msg_${deriveId('grant-expiring', r.number, r.grant_id, endpoint.id)}`,
            endpoint.id,
            payload,
            now.toISOString(),
            now.toISOString(),
          ],
        );
      }
    return rows.length;
  });
}
