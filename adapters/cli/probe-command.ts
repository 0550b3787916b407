import { spawn } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parseE164 } from '../../core/e164';
import { table } from './table';

const CALLER = join(__dirname, '..', 'sip', 'sipjs', 'call.mjs');

interface Row {
  step: string;
  ms: number;
  detail: string;
}

/** Runs the sip.js client (ESM, so its own process) and collects its JSON lines. */
function sipCall(
  env: Record<string, string>,
): Promise<{ code: number | null; steps: { step: string; ms: number; status?: number; message?: string }[] }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CALLER], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) =>
      resolve({
        code,
        steps: out
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { step: string; ms: number }),
      }),
    );
  });
}

/**
 * `trunkline probe`: the provider's own end-to-end check, as a client app would do it: the
 * signed descriptor, SIP credentials through the API, REGISTER over WebSocket, a call to a test
 * number, and the charge it left on the account; each step's latency.
 */
export function addProbeCommand(program: Command): void {
  program
    .command('probe')
    .description("check the service end to end as a client: descriptor, credentials, REGISTER, a call, its charge (each step's latency)")
    .requiredOption('--api <url>', 'the provider API base URL, e.g. https://api.provider.example')
    .requiredOption('--number <e164>', 'the test account (its key must be the one the directory publishes)')
    .requiredOption('--key <file>', "PKCS#8 PEM of the number's Ed25519 private key")
    .requiredOption('--ws <url>', "the registrar's WebSocket URL, e.g. wss://sip.provider.example:8443")
    .requiredOption('--call <e164>', 'the test number to call')
    .option('--seconds <n>', 'how long to stay on the call', '3')
    .option('--domain <domain>', 'SIP domain (default: the credentials realm)')
    .option('--json', 'print the steps as JSON')
    .action(
      async (o: {
        api: string;
        number: string;
        key: string;
        ws: string;
        call: string;
        seconds: string;
        domain?: string;
        json?: boolean;
      }) => {
        const number = parseE164(o.number);
        const destination = parseE164(o.call);
        const seconds = Number(o.seconds);
        if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) throw new Error('--seconds must be more than 0 and at most 600');
        const privateKey = createPrivateKey(readFileSync(o.key));
        // the signing client loads for this command only, not for every start of the CLI
        const { trunklineClient } = require('../client/trunkline-client') as typeof import('../client/trunkline-client');
        const client = trunklineClient({ baseUrl: o.api, keyid: number, privateKey });
        const rows: Row[] = [];
        const t0 = performance.now();
        const step = async <T>(name: string, fn: () => Promise<T>, detail: (r: T) => string): Promise<T> => {
          const t = performance.now();
          const r = await fn();
          rows.push({ step: name, ms: Math.round(performance.now() - t), detail: detail(r) });
          return r;
        };
        await step(
          'descriptor',
          () => client.descriptor(),
          (d) => `${String(d['name'])}, signature verified`,
        );
        const creds = await step(
          'sip-credentials',
          () => client.sipCredentials(),
          (c) => `realm ${c.sip.realm}, expires ${c.sip.expiresAt}`,
        );
        const before = await client.transactions({ limit: 1 });
        const newest = before.items[0]?.position ?? 0;
        const known = new Set((await client.calls({ limit: 20 })).items.map((c) => c.callId));
        const started = performance.now();
        const call = await sipCall({
          WS_URL: o.ws,
          SIP_DOMAIN: o.domain ?? creds.sip.realm,
          SIP_USER: number,
          SIP_USERNAME: creds.sip.username,
          SIP_PASSWORD: creds.sip.password,
          DESTINATION: destination,
          TALK_MS: String(Math.round(seconds * 1000)),
        });
        let previous = 0;
        for (const s of call.steps) {
          rows.push({ step: `sip:${s.step}`, ms: s.ms - previous, detail: s.status ? `status ${s.status}` : (s.message ?? '') });
          previous = s.ms;
        }
        if (call.code !== 0) throw new Error(sipFailure(call.steps));
        const record = await step(
          'cdr',
          () => awaitRecord(client, known, destination),
          (r) => recordDetail(r, seconds),
        );
        if (record.outcome === 'failed')
          throw new Error(`cdr: the proxy reported the call as not answered (${record.cause ?? 'no reason'})`);
        const charge = await step(
          'charged',
          async () => {
            const deadline = Date.now() + 15_000;
            for (;;) {
              const page = await client.transactions({ limit: 5 });
              const line = page.items.find((l) => l.position > newest && l.reference.startsWith('call:'));
              if (line) return line;
              if (Date.now() > deadline)
                throw new Error(
                  `charged: the CDR was recorded (price ${record.price ?? 'none'}) but no charge reached the ledger within 15 s`,
                );
              await new Promise((r) => setTimeout(r, 200));
            }
          },
          (l) => `${l.amount} (balance ${l.balance})`,
        );
        rows.push({
          step: 'total',
          ms: Math.round(performance.now() - t0),
          detail: `call ${Math.round(performance.now() - started)} ms incl. ${seconds} s talk`,
        });
        if (o.json) process.stdout.write(`${JSON.stringify({ steps: rows, charge: charge.amount }, null, 2)}\n`);
        else process.stdout.write(table(rows.map((r) => ({ step: r.step, ms: r.ms, detail: r.detail }))));
      },
    );
}

type Client = ReturnType<typeof import('../client/trunkline-client').trunklineClient>;
type CallRow = Awaited<ReturnType<Client['calls']>>['items'][number];

/** Which SIP step the call stopped at, in words a provider can act on. */
function sipFailure(steps: readonly { step: string; status?: number; message?: string }[]): string {
  const last = steps.at(-1);
  const why = `${last?.status ?? last?.message ?? ''}`.trim();
  const reached = new Set(steps.map((s) => s.step));
  if (!reached.has('connected')) return `sip: no WebSocket connection to the proxy${why ? ` (${why})` : ''}`;
  if (!reached.has('registered')) return `sip: REGISTER failed${why ? ` (${why})` : ''}`;
  if (!reached.has('answered')) return `sip: the call was not answered${why ? ` (${why})` : ''}`;
  return `sip: the call did not end cleanly: no answer to its BYE${why ? ` (${why})` : ''}`;
}

/**
 * The engine's record of the probe's call (one it did not list before), once its CDR is in. The
 * failure names what is missing: no authorization at all, or an authorization whose CDR never came.
 */
async function awaitRecord(client: Client, known: ReadonlySet<string>, destination: string): Promise<CallRow> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const mine = (await client.calls({ limit: 20 })).items.find((c) => !known.has(c.callId) && c.callee === destination);
    if (mine && mine.outcome !== 'open') return mine;
    if (Date.now() > deadline)
      throw new Error(
        mine
          ? 'cdr: the call was authorized but no CDR came within 15 s: the proxy still holds the dialog (did its BYE reach the proxy? a carrier that does not echo Record-Route sends it around it)'
          : 'cdr: the engine never authorized this call: the proxy did not ask its hooks (check the hooks URL and secret)',
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** What the proxy measured against what was asked: far more means the hang-up did not reach it. */
function recordDetail(r: CallRow, seconds: number): string {
  const measured = r.durationSeconds ?? 0;
  const warn = measured > seconds + 5 ? `; ${measured} s measured for a ${seconds} s call: the BYE did not reach the proxy in time` : '';
  return `${r.outcome}, ${measured} s measured, ${r.billedSeconds ?? 0} s billed${warn}`;
}
