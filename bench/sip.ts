/**
 * npm run bench:sip — calls per second through the real parts: sipp places authenticated calls
 * (auth_ephemeral credentials from the API) at fixed rates, over TLS (Debian's sipp has no TLS:
 * its TCP goes through a verifying stunnel client), through Kamailio (the shipped
 * template), which asks Trunkline and relays to a sipp carrier; every call's CDR must come
 * back charged exactly once at the authorized rate. Counts billing errors: answered calls not
 * charged, charged twice, or charged a different amount than the rate gives. Loopback only,
 * bounded in count and time. Writes the "sip" section of docs/benchmarks.md.
 */
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chargeFor } from '../core/pricing/charge';
import { freePort } from '../test/beds/free-port';
import { SIPP, sipBedMissing, startCarrier, startKamailio } from '../test/beds/sip-bed';
import { startTlsTunnel, tlsTunnelMissing } from '../test/beds/tls-tunnel';
import { callsEngine, HOOK_SECRET } from '../test/support/calls-engine';
import { signedFetch, signer } from '../test/support/signed-fetch';
import type { Metrics } from '../adapters/runtime/metrics';
import { fmt, machine, writeSection } from './report';

const SCALE = Number(process.env['BENCH_SCALE'] ?? 1);
const RATES = [10, 25, 50, 100];
/** Ten seconds of calls at each rate (at least 20). */
const callsAt = (rate: number) => Math.max(20, Math.round(rate * 10 * SCALE));
const TALK_MS = 1000;
const SIP_SECRET = 'bench-sip-secret-0123456789';
const CALLER_XML = join(__dirname, '..', 'test', 'beds', 'sip', 'caller.xml');

type Buckets = Map<number, number>;
/** The cumulative bucket counts of the engine's latency histogram for one hook route. */
async function hookBuckets(metrics: Metrics, path: string): Promise<Buckets> {
  const counts: Buckets = new Map();
  for (const v of (await metrics.httpSeconds.get()).values) {
    if (v.metricName !== 'trunkline_http_request_seconds_bucket' || v.labels['route'] !== path) continue;
    // prom-client adds the bucket's bound as a label the histogram's own label type does not name
    const bound = (v.labels as Record<string, string | number | undefined>)['le'];
    const le = bound === '+Inf' ? Infinity : Number(bound);
    counts.set(le, (counts.get(le) ?? 0) + v.value);
  }
  return counts;
}
/** The bucket bound (ms) under which `q` of the requests between two readings finished: a bound, not a sample. */
function boundMs(before: Buckets, after: Buckets, q: number): string {
  const les = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  if (total === 0) return '–';
  const le = les.find((l) => (after.get(l) ?? 0) - (before.get(l) ?? 0) >= q * total) ?? Infinity;
  return le === Infinity ? '> 2500' : `≤ ${le * 1000}`;
}

function sippCalls(args: string[], timeoutMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(SIPP, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

async function main(): Promise<void> {
  const missing = sipBedMissing() ?? tlsTunnelMissing();
  if (missing) throw new Error(missing);
  const alice = signer('+442079460958');
  const carrier = await startCarrier();
  const bed = await callsEngine({
    people: [alice],
    carrierPort: carrier.port,
    config: { sipSecrets: [SIP_SECRET], sipHmac: 'sha256', sipDomain: '127.0.0.1', callGrantSeconds: 60 },
  });
  await bed.engine.runner.start();
  const kamailio = await startKamailio({
    hooksUrl: `http://kamailio:${HOOK_SECRET}@127.0.0.1:${new URL(bed.base).port}/v1/hooks/sip`,
    ephSecret: SIP_SECRET,
    ephSha: 1,
  });
  // clients reach the proxy over TLS only: sipp's TCP through a verifying TLS tunnel
  const tunnel = await startTlsTunnel({ host: kamailio.host, port: kamailio.tlsPort, ca: kamailio.caCert, name: 'trunkline.test' });
  const rows: string[] = [];
  try {
    await bed.fund(alice.keyid, '100000');
    const creds = (await (await signedFetch(bed.base, alice, 'POST', '/v1/accounts/me/sip-credentials')).json()) as {
      sip: { username: string; password: string };
    };
    for (const rate of RATES) {
      const before = new Set<string>();
      for await (const e of bed.engine.store.readStream(`account-${alice.keyid}`))
        if (e.type === 'CallCharged') before.add((e.data as { callId: string }).callId);
      const port = await freePort();
      const hooks = ['/v1/hooks/sip/authorize', '/v1/hooks/sip/cdr'];
      const hooksBefore = await Promise.all(hooks.map((h) => hookBuckets(bed.engine.metrics, h)));
      const started = performance.now();
      const run = await sippCalls(
        [
          `127.0.0.1:${tunnel.port}`,
          '-t',
          't1',
          '-sf',
          CALLER_XML,
          '-set',
          'caller',
          alice.keyid,
          '-au',
          creds.sip.username,
          '-ap',
          creds.sip.password,
          '-s',
          '+442079460000',
          '-d',
          String(TALK_MS),
          '-r',
          String(rate),
          '-m',
          String(callsAt(rate)),
          '-l',
          String(rate * 5),
          '-i',
          '127.0.0.1',
          '-p',
          String(port),
          '-nostdin',
          '-timeout',
          '120s',
          '-cid_str',
          `bench-${rate}-%u-%p@trunkline`,
          '-trace_err',
          '-error_file',
          join(tmpdir(), `trunkline-bench-sipp-${rate}.log`),
        ],
        180_000,
      );
      const elapsed = (performance.now() - started) / 1000;
      const ok = Number(/Successful call\s*\|\s*\d+\s*\|\s*(\d+)/.exec(run.out)?.[1] ?? NaN);
      const failedCalls = Number(/Failed call\s*\|\s*\d+\s*\|\s*(\d+)/.exec(run.out)?.[1] ?? NaN);
      // CDRs follow the BYEs: wait (bounded) until every answered call is charged
      const deadline = Date.now() + 15_000;
      let charges: { callId: string; amount: string; seconds: number }[] = [];
      let authorized = new Map<
        string,
        { row: { rate: string; connectFee: string; initial: number; subsequent: number; minimum: number } }
      >();
      do {
        charges = [];
        authorized = new Map();
        for await (const e of bed.engine.store.readStream(`account-${alice.keyid}`)) {
          const d = e.data as { callId: string; amount: string; seconds: number; retail: { row: never } };
          if (e.type === 'CallCharged' && !before.has(d.callId) && d.callId.startsWith(`bench-${rate}-`)) charges.push(d);
          if (e.type === 'CallAuthorized') authorized.set(d.callId, d.retail);
        }
        if (charges.length >= ok) break;
        await new Promise((r) => setTimeout(r, 200));
      } while (Date.now() < deadline);
      const hooksAfter = await Promise.all(hooks.map((h) => hookBuckets(bed.engine.metrics, h)));
      const [authz, cdr] = hooks.map(
        (_, i) => `${boundMs(hooksBefore[i]!, hooksAfter[i]!, 0.5)} / ${boundMs(hooksBefore[i]!, hooksAfter[i]!, 0.99)}`,
      );
      const ids = new Set(charges.map((c) => c.callId));
      const wrong = charges.filter((c) => chargeFor(authorized.get(c.callId)!.row, c.seconds).amount.toFixed() !== c.amount).length;
      const errors = Math.abs(ok - ids.size) + (charges.length - ids.size) + wrong;
      process.stderr.write(
        `${rate} cps: ${ok} ok, ${failedCalls} failed, ${charges.length} charged, ${errors} billing errors in ${elapsed.toFixed(1)} s\n`,
      );
      rows.push(
        `| ${rate} calls/s offered, ${fmt(callsAt(rate))} calls of ${TALK_MS / 1000} s | ${(callsAt(rate) / elapsed).toFixed(1)} calls/s | ${fmt(ok)} answered, ${fmt(failedCalls)} failed | ${fmt(charges.length)} charged | ${fmt(errors)} | ${authz} | ${cdr} |`,
      );
    }
  } finally {
    await tunnel.stop();
    await kamailio.stop();
    await carrier.stop();
    await bed.close();
  }
  const body = [
    '## Calls through Kamailio (`npm run bench:sip`)',
    '',
    `${machine()}; sipp (UAC over TCP, digest auth with API-issued auth_ephemeral credentials) → stunnel (one verified TLS 1.2+ connection) → Kamailio 5.6 (the shipped template, SIP over TLS; every call's SDES-SRTP offer through rtpengine, offer, answer and delete, bridged to plain RTP) → sipp carrier (UDP trunk); no media flows (sipp sends none); Trunkline in the bench process (SQLite); one caller account. A billing error is an answered call not charged, charged twice, or charged other than its rate gives. Scale ${SCALE}.`,
    '',
    "The completed rate is calls over the whole run, the last calls' second of talk and their CDRs included: at 100 calls/s offered, ten seconds of calls take about 13.5 s. A failed call at the top rate is sipp's own: over one TCP connection it got a 180 after the 200 and aborted the call (the proxy's workers answer in parallel), and its CDR still charged nothing twice.",
    '',
    "Hook latency is the engine's own histogram (`trunkline_http_request_seconds`) over the run, as the bucket bound (ms) under which half and 99 % of the requests finished.",
    '',
    '| offered | completed rate | calls | CDRs charged | billing errors | authorize p50 / p99 (ms) | CDR p50 / p99 (ms) |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
  writeSection('sip', body);
  process.stdout.write(`${body}\n`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`bench:sip: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
