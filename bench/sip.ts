/**
 * npm run bench:sip — calls per second through the real parts: sipp places authenticated calls
 * (auth_ephemeral credentials from the API) at fixed rates, over TLS (Debian's sipp has no TLS:
 * its TCP goes through a verifying stunnel client), through Kamailio (the shipped
 * template), which asks Trunkline and relays to a sipp carrier; every call's CDR must come
 * back charged exactly once at the authorized rate (bench/sip-billing.ts). At each rate,
 * BENCH_ROUNDS alternated rounds (at least 3): first sipp's own UAC calling the same sipp carrier
 * directly (no proxy, no engine: the floor at that rate), then the calls through Kamailio;
 * medians and the median of the per-round ratios. Loopback only, bounded in count and time.
 * Writes the "sip" section of docs/benchmarks.md (BENCH_WRITE=0 prints only; BENCH_SCALE=0.2
 * shortens every run).
 */
import { join } from 'node:path';
import { sipBedMissing, startCarrier, startKamailio } from '../test/beds/sip-bed';
import { startTlsTunnel, tlsTunnelMissing } from '../test/beds/tls-tunnel';
import { callsEngine, HOOK_SECRET } from '../test/support/calls-engine';
import { signedFetch, signer } from '../test/support/signed-fetch';
import { alternate, benchRounds, versus } from './compare';
import { boundMs, hookBuckets } from './hook-buckets';
import { fmt, machine, writeSection } from './report';
import { billingOf } from './sip-billing';
import { placeCalls } from './sipp-calls';

const SCALE = Number(process.env['BENCH_SCALE'] ?? 1);
const ROUNDS = benchRounds();
const RATES = [10, 25, 50, 100];
/** Ten seconds of calls at each rate (at least 20). */
const callsAt = (rate: number) => Math.max(20, Math.round(rate * 10 * SCALE));
const TALK_MS = 1000;
const SIP_SECRET = 'bench-sip-secret-0123456789';
const CALLER_XML = join(__dirname, '..', 'test', 'beds', 'sip', 'caller.xml');

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
    const hooks = ['/v1/hooks/sip/authorize', '/v1/hooks/sip/cdr'];
    for (const rate of RATES) {
      const calls = callsAt(rate);
      const tally = { ok: 0, failed: 0, charged: 0, errors: 0, direct: 0 };
      const hooksBefore = await Promise.all(hooks.map((h) => hookBuckets(bed.engine.metrics, h)));
      const figures = await alternate(
        ROUNDS,
        {
          direct: async (round) => {
            const run = await placeCalls({
              target: `127.0.0.1:${carrier.port}`,
              scenario: ['-sn', 'uac'],
              rate,
              calls,
              talkMs: TALK_MS,
              tag: `direct-${rate}-r${round}`,
            });
            tally.direct += run.ok;
            return calls / run.seconds;
          },
          trunkline: async (round) => {
            const tag = `bench-${rate}-r${round}`;
            const scenario = [
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
            ];
            const run = await placeCalls({ target: `127.0.0.1:${tunnel.port}`, scenario, rate, calls, talkMs: TALK_MS, tag });
            const billing = await billingOf(bed.engine, alice.keyid, tag, run.ok);
            tally.ok += run.ok;
            tally.failed += run.failed;
            tally.charged += billing.charged;
            tally.errors += billing.errors;
            return calls / run.seconds;
          },
        },
        (round, f) =>
          process.stderr.write(
            `${rate} cps, round ${round}: direct ${f.direct.toFixed(1)} calls/s, through Kamailio ${f.trunkline.toFixed(1)} calls/s (× ${(f.trunkline / f.direct).toFixed(2)}), so far ${tally.ok} ok, ${tally.failed} failed, ${tally.errors} billing errors\n`,
          ),
      );
      const hooksAfter = await Promise.all(hooks.map((h) => hookBuckets(bed.engine.metrics, h)));
      const [authz, cdr] = hooks.map(
        (_, i) => `${boundMs(hooksBefore[i]!, hooksAfter[i]!, 0.5)} / ${boundMs(hooksBefore[i]!, hooksAfter[i]!, 0.99)}`,
      );
      rows.push(
        `| ${rate} calls/s offered, ${fmt(calls)} calls of ${TALK_MS / 1000} s a round | ${versus(figures.trunkline, figures.direct, (n) => `${n.toFixed(1)} calls/s`)} | ${fmt(tally.ok)} answered, ${fmt(tally.failed)} failed (direct: ${fmt(tally.direct)} answered) | ${fmt(tally.charged)} charged | ${fmt(tally.errors)} | ${authz} | ${cdr} |`,
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
    `The completed rate is calls over sipp's whole run, the last calls' second of talk included. At each rate, ${ROUNDS} rounds alternated: first the floor, sipp's built-in UAC (\`-sn uac\`, plain UDP, no authentication) calling the same sipp carrier directly at the same rate, as many calls of the same length; then the calls through stunnel, Kamailio and Trunkline. Medians, and the median of the per-round ratios to the floor. Calls, charges and billing errors are summed over the rounds through Kamailio. A failed call at the top rate is sipp's own: over one TCP connection it got a 180 after the 200 and aborted the call (the proxy's workers answer in parallel), and its CDR still charged nothing twice.`,
    '',
    "Hook latency is the engine's own histogram (`trunkline_http_request_seconds`) over the runs at that rate, as the bucket bound (ms) under which half and 99 % of the requests finished (the authorize hook against an express echo: `npm run bench:calls`).",
    '',
    '| offered | completed rate through Kamailio | sipp to the carrier directly | ratio to direct | calls | CDRs charged | billing errors | authorize p50 / p99 (ms) | CDR p50 / p99 (ms) |',
    '| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
  writeSection('sip', body);
  process.stdout.write(`${body}\n`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`bench:sip: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
