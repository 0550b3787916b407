import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly id: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  /** The payload's `timestamp`: when the event was recorded (deliveries may arrive out of order). */
  readonly timestamp: string;
  /** Whether the signature verified with the endpoint's secret (Standard Webhooks' own check). */
  readonly valid: boolean;
}

/**
 * A provider's webhook endpoint on loopback: verifies each request with the `standardwebhooks`
 * library, keeps what came (duplicates too), and can answer 503 or be down altogether (every
 * connection reset) to test retries.
 */
export async function startWebhookReceiver() {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  // a client app's endpoint learns its secret from the engine: see `useSecret`
  let verifier = new Webhook(secret);
  const received: Received[] = [];
  let failing = false;
  // down: connections are reset as they come (a crashed receiver's host answers so); the port
  // stays bound, so no other suite's server can take it meanwhile
  let down = false;
  const server: Server = createServer((req, res) => {
    if (down) return void req.socket.destroy();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failing) return void res.writeHead(503).end();
      const body = Buffer.concat(chunks).toString('utf8');
      let valid = true;
      let parsed: { type?: string; timestamp?: string; data?: Record<string, unknown> } = {};
      try {
        verifier.verify(body, req.headers as Record<string, string>);
        parsed = JSON.parse(body) as typeof parsed;
      } catch {
        valid = false;
      }
      received.push({
        id: String(req.headers['webhook-id']),
        type: String(parsed.type),
        timestamp: String(parsed.timestamp),
        data: parsed.data ?? {},
        valid,
      });
      res.writeHead(204).end();
    });
  });
  server.on('connection', (socket) => {
    if (down) socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    secret,
    received,
    /** Distinct notifications received (a retry of one already received counts once). */
    unique: () => new Map(received.map((r) => [r.id, r])),
    setFailing: (f: boolean) => void (failing = f),
    /** Verify what comes from now on with this secret (one the engine gave a client app). */
    useSecret: (s: string) => void (verifier = new Webhook(s)),
    down: async () => {
      down = true;
      server.closeAllConnections();
    },
    up: async () => void (down = false),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
