import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { freePort } from './free-port';

export interface Received {
  readonly id: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  /** Whether the signature verified with the endpoint's secret (Standard Webhooks' own check). */
  readonly valid: boolean;
}

/**
 * A provider's webhook endpoint on loopback: verifies each request with the `standardwebhooks`
 * library, keeps what came (duplicates too), and can answer 503 or be down altogether (its port
 * closed, as a crashed receiver's would be) to test retries.
 */
export async function startWebhookReceiver() {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const verifier = new Webhook(secret);
  const port = await freePort();
  const received: Received[] = [];
  let failing = false;
  let server: Server | null = null;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          if (failing) return void res.writeHead(503).end();
          const body = Buffer.concat(chunks).toString('utf8');
          let valid = true;
          try {
            verifier.verify(body, req.headers as Record<string, string>);
          } catch {
            valid = false;
          }
          const parsed = JSON.parse(body) as { type: string; data: Record<string, unknown> };
          received.push({ id: String(req.headers['webhook-id']), type: parsed.type, data: parsed.data, valid });
          res.writeHead(204).end();
        });
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server) return resolve();
      server.closeAllConnections();
      server.close(() => resolve());
      server = null;
    });
  await listen();
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    secret,
    received,
    /** Distinct notifications received (a retry of one already received counts once). */
    unique: () => new Map(received.map((r) => [r.id, r])),
    setFailing: (f: boolean) => void (failing = f),
    down: stop,
    up: listen,
    close: stop,
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
