import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { freePort } from '../../beds/free-port';
import { federationDnsMissing, startFederationDns, type FederationDns } from '../../beds/federation-dns';
import { sipBedMissing, startKamailio, type Kamailio } from '../../beds/sip-bed';
import { createCa, issueCert, type Ca } from '../../beds/tls-ca';
import { callsEngine, HOOK_SECRET, type CallsEngine } from '../../support/calls-engine';
import { accountEvents } from '../../support/account-events';
import { ROOT } from '../../support/cli';
import { signedFetch, signer, type Signer } from '../../support/signed-fetch';
import { waitFor } from '../../support/wait';

const missing = sipBedMissing() ?? federationDnsMissing();
if (missing && process.env['CI'] !== 'true') console.warn(`\n*** SKIPPED federation end-to-end suite: ${missing}. ***\n`);

const SIP_SECRET = 'fed-sip-secret-0123456789';
const A = { domain: 'providera.test', host: '127.0.0.2' };
const B = { domain: 'providerb.test', host: '127.0.0.3' };
/** A's directory: bob's number is on-net at B; carol's names B too, but she is no user there. */
const BOB = '+447911123456';
const CAROL = '+33142685300';
/** At a provider that publishes SIP over UDP only: never called in clear. */
const DAVE = '+442079460777';
const C = { domain: 'providerc.test', host: '127.0.0.4' };
/** A domain whose DNS points at B's proxy, whose certificate names providerb.test instead. */
const ERIN = '+442079460778';
const D = { domain: 'providerd.test', host: B.host };

interface Step {
  step: string;
  ms: number;
  status?: number;
  pai?: string | null;
  from?: string;
  message?: string;
}

// Skipped only outside CI when Kamailio, Knot or root is missing (see the warning); under CI=true it runs and fails loudly.
(missing && process.env['CI'] !== 'true' ? describe.skip : describe)('federation: two providers, calls over TLS found by DNS', () => {
  const alice = signer('+442079460958');
  const bob = signer(BOB);
  let dir: string;
  let ca: Ca;
  let dns: FederationDns;
  let engineA: CallsEngine;
  let engineB: CallsEngine;
  let kamA: Kamailio;
  let kamB: Kamailio;
  const children: ChildProcess[] = [];
  let clearListener: Socket;
  const heardInClear: Buffer[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trunkline-e2e-fed-'));
    ca = createCa(dir, 'Federation test CA');
    // the ports come first: the zones publish them
    const [portA, portB] = [await freePort(), await freePort()];
    clearListener = createSocket('udp4');
    clearListener.on('message', (m) => heardInClear.push(m));
    await new Promise<void>((r) => clearListener.bind(0, C.host, () => r()));
    dns = await startFederationDns([
      { ...A, tlsPort: portA },
      { ...B, tlsPort: portB },
      { ...C, tlsPort: clearListener.address().port, clear: true },
      { ...D, tlsPort: portB },
    ]);
    engineA = await callsEngine({
      people: [alice],
      onNet: {
        [BOB]: `sip:${BOB}@${B.domain}`,
        [CAROL]: `sip:${CAROL}@${B.domain}`,
        [DAVE]: `sip:${DAVE}@${C.domain}`,
        [ERIN]: `sip:${BOB}@${D.domain}`,
      },
      config: { sipSecrets: [SIP_SECRET], sipHmac: 'sha256', sipDomain: A.domain, sipPeers: [B.domain, C.domain, D.domain] },
    });
    // B's directory says alice is served by A: only A may assert her number
    engineB = await callsEngine({
      people: [bob],
      onNet: { [alice.keyid]: `sip:${alice.keyid}@${A.domain}` },
      config: { sipSecrets: [SIP_SECRET], sipHmac: 'sha256', sipDomain: B.domain },
    });
    for (const e of [engineA, engineB]) await e.engine.runner.start();
    const proxy = (engine: CallsEngine, p: typeof A, port: number, peers: string[]) =>
      startKamailio({
        hooksUrl: `http://kamailio:${HOOK_SECRET}@127.0.0.1:${new URL(engine.base).port}/v1/hooks/sip`,
        ephSecret: SIP_SECRET,
        ephSha: 1,
        host: p.host,
        domain: p.domain,
        ca,
        tlsPort: port,
        resolvConf: dns.resolvConf,
        defines: { PEER_DOMAINS: JSON.stringify(`^(${peers.map((d) => d.replace(/\./g, '[.]')).join('|')})$`) },
      });
    // A peers with C (clear text only) and D (a certificate for another name) too: the tests show
    // TLS and the name check, not the peer list, keep those calls from going out
    kamA = await proxy(engineA, A, portA, [B.domain, C.domain, D.domain]);
    kamB = await proxy(engineB, B, portB, [A.domain]);
    await engineA.fund(alice.keyid, '5');
  }, 90_000);
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await kamA?.stop();
    await kamB?.stop();
    await engineA?.close();
    await engineB?.close();
    await dns?.stop();
    clearListener?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** sip.js as a user of a provider: credentials from its API, then register and call (or answer). */
  async function sipjs(engine: CallsEngine, kam: Kamailio, p: typeof A, who: Signer, env: Record<string, string>) {
    const creds = (await (await signedFetch(engine.base, who, 'POST', '/v1/accounts/me/sip-credentials')).json()) as {
      sip: { username: string; password: string };
    };
    const child = spawn(process.execPath, [join(ROOT, 'adapters', 'sip', 'sipjs', 'call.mjs')], {
      env: {
        ...process.env,
        WS_URL: `wss://${p.host}:${kam.wssPort}`,
        NODE_EXTRA_CA_CERTS: ca.cert,
        SIP_DOMAIN: p.domain,
        SIP_USER: who.keyid,
        SIP_USERNAME: creds.sip.username,
        SIP_PASSWORD: creds.sip.password,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    const lines: Step[] = [];
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const parts = out.split('\n');
      out = parts.pop()!;
      for (const l of parts) if (l.trim()) lines.push(JSON.parse(l) as Step);
    });
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    return { lines, exited };
  }

  const eventsOf = (engine: CallsEngine, number: string, type: string, count: number, ms?: number) =>
    accountEvents(engine.engine.store, number, type, count, ms);
  const logs = () => `--- A ---\n${kamA.log().slice(-2500)}\n--- B ---\n${kamB.log().slice(-2500)}`;

  test("a user of A calls a user of B by number: over TLS to B's domain from DNS, free on both sides, the caller asserted", async () => {
    const callee = await sipjs(engineB, kamB, B, bob, { ANSWER: '1', ANSWER_WAIT_MS: '30000' });
    await waitFor(async () => callee.lines.some((l) => l.step === 'registered'), 10_000, 'bob registered at B');
    const paidBefore = (await engineA.engine.wallet.state(alice.keyid)).paid.toFixed();
    const caller = await sipjs(engineA, kamA, A, alice, { DESTINATION: BOB, TALK_MS: '1500' });
    const [callerCode, calleeCode] = await Promise.all([caller.exited, callee.exited]);
    const explain = `${JSON.stringify({ caller: caller.lines, callee: callee.lines })}\n${logs()}`;
    expect([callerCode, caller.lines.map((l) => l.step)]).toEqual([0, ['connected', 'registered', 'answered', 'hung-up']]);
    expect([calleeCode, callee.lines.map((l) => l.step)]).toEqual([
      0,
      ['connected', 'registered', 'incoming', 'answered', 'ended-by-caller'],
    ]);
    // the callee sees the number A asserted for its authenticated user, at A's domain
    const incoming = callee.lines.find((l) => l.step === 'incoming')!;
    expect({ pai: incoming.pai, explain }).toMatchObject({ pai: `<sip:${alice.keyid}@${A.domain}>` });
    // A: authorized on-net to B's URI and charged 0; nothing left A's paid credit
    const [authorized] = await eventsOf(engineA, alice.keyid, 'CallAuthorized', 1);
    expect(authorized).toMatchObject({ route: 'on-net', onNetUri: `sip:${BOB}@${B.domain}`, reserved: '0' });
    const [charged] = await eventsOf(engineA, alice.keyid, 'CallCharged', 1);
    expect({ charged, explain }).toMatchObject({ charged: { route: 'on-net', amount: '0' } });
    expect((charged!['seconds'] as number) > 1).toBe(true);
    expect((await engineA.engine.wallet.state(alice.keyid)).paid.toFixed()).toBe(paidBefore);
    // B: the call on bob's account, from alice's asserted number and A's verified domain, moving nothing
    const [received] = await eventsOf(engineB, bob.keyid, 'PeerCallReceived', 1);
    expect(received).toMatchObject({ callId: authorized!['callId'], caller: alice.keyid, peer: A.domain });
    const bobState = await engineB.engine.wallet.state(bob.keyid);
    expect([bobState.paid.toFixed(), bobState.reserved.toFixed()]).toEqual(['0', '0']);
    // and both call records say on-net: the caller's outbound, the callee's inbound
    const record = async (engine: CallsEngine, who: Signer) => {
      const page = (await (await signedFetch(engine.base, who, 'GET', '/v1/accounts/me/calls')).json()) as {
        items: Record<string, unknown>[];
      };
      return page.items.find((c) => c['callId'] === authorized!['callId']);
    };
    await waitFor(async () => (await record(engineA, alice))?.['outcome'] === 'answered', 10_000, "A's call record");
    expect(await record(engineA, alice)).toMatchObject({ caller: alice.keyid, callee: BOB, route: 'on-net', price: '0' });
    await waitFor(async () => (await record(engineB, bob)) !== undefined, 10_000, "B's call record");
    expect(await record(engineB, bob)).toMatchObject({
      caller: alice.keyid,
      callee: BOB,
      route: 'on-net-inbound',
      outcome: 'received',
      price: '0',
      cause: A.domain,
    });
    // B's proxy sent no CDR for it: the caller's provider charges (on-net: nothing)
    expect(await eventsOf(engineB, bob.keyid, 'CdrUnmatched', 0, 0)).toEqual([]);
  }, 60_000);

  test("B relays nothing for A's users: a number that is no user of B is refused, and nothing is recorded there", async () => {
    const r = await sipjs(engineA, kamA, A, alice, { DESTINATION: CAROL });
    expect(await r.exited).toBe(2);
    expect(r.lines.find((l) => l.step === 'refused')).toMatchObject({ status: 404 });
    expect(await eventsOf(engineB, CAROL, 'PeerCallReceived', 0, 0)).toEqual([]);
    expect(kamB.log()).not.toMatch(new RegExp(`trunkline authorize`));
  }, 30_000);

  test('a peer domain that publishes SIP over UDP only is not called: nothing leaves in clear', async () => {
    const r = await sipjs(engineA, kamA, A, alice, { DESTINATION: DAVE });
    expect(await r.exited).toBe(2);
    expect(r.lines.find((l) => l.step === 'refused')?.status).toBeGreaterThanOrEqual(500);
    expect(heardInClear).toEqual([]);
  }, 30_000);

  test('a peer whose certificate (from the same CA) names another domain than the one called: its replies are dropped, the call fails', async () => {
    const r = await sipjs(engineA, kamA, A, alice, { DESTINATION: ERIN });
    expect(await r.exited).toBe(2);
    expect(r.lines.find((l) => l.step === 'refused')?.status).toBeGreaterThanOrEqual(400);
    expect(kamA.log()).toMatch(/federation: reply for providerd\.test from .* certificate for 'providerb\.test'.*dropped/);
    const bobCalls = await eventsOf(engineB, bob.keyid, 'PeerCallReceived', 2, 0);
    expect(bobCalls).toHaveLength(1);
  }, 60_000);

  /** One SIP request over TLS to B's proxy as a TLS client with `cert` (or none); the status line of the answer, or the TLS error. */
  function tlsRequest(cert: { cert: string; key: string } | null, requestUri: string, pai: string | null): Promise<string> {
    return new Promise((resolve) => {
      const socket = tlsConnect({
        host: B.host,
        port: kamB.tlsPort,
        servername: B.domain,
        ca: readFileSync(ca.cert),
        ...(cert ? { cert: readFileSync(cert.cert), key: readFileSync(cert.key) } : {}),
      });
      const timer = setTimeout(() => (socket.destroy(), resolve('timeout')), 8000);
      const done = (v: string) => {
        clearTimeout(timer);
        socket.destroy();
        resolve(v);
      };
      socket.on('error', (e) => done(`tls-error: ${e.message}`));
      socket.on('close', () => done('closed'));
      socket.on('secureConnect', () => {
        const branch = `z9hG4bK${Math.random().toString(36).slice(2)}`;
        const local = `${socket.localAddress}:${socket.localPort}`;
        socket.write(
          [
            `INVITE ${requestUri} SIP/2.0`,
            `Via: SIP/2.0/TLS ${local};branch=${branch};rport`,
            `From: <sip:+442079460958@${A.domain}>;tag=t1`,
            `To: <${requestUri}>`,
            `Call-ID: raw-${branch}`,
            'CSeq: 1 INVITE',
            `Contact: <sip:probe@${local};transport=tls>`,
            'Max-Forwards: 70',
            ...(pai ? [`P-Asserted-Identity: ${pai}`] : []),
            'Content-Length: 0',
            '',
            '',
          ].join('\r\n'),
        );
      });
      let got = '';
      socket.on('data', (c: Buffer) => {
        got += c.toString();
        for (const line of got.split('\r\n')) if (/^SIP\/2\.0 [2-6]\d\d/.test(line)) return done(line);
      });
    });
  }

  test('a peer whose certificate is not from the federation CA is refused at the TLS handshake', async () => {
    const rogueCa = createCa(mkdtempSync(join(dir, 'rogue-')), 'Rogue CA');
    const rogue = issueCert(rogueCa, join(dir), { name: A.domain, dns: [A.domain] });
    const answer = await tlsRequest(rogue, `sip:${BOB}@${B.domain}`, `<sip:+442079460958@${A.domain}>`);
    expect(answer).toMatch(/^(tls-error|closed)/);
    expect(answer).not.toMatch(/^SIP/);
  }, 15_000);

  test("a verified peer cannot relay through B: another domain's URI is 403, and a TLS client without a certificate is a client (asked to authenticate)", async () => {
    const peerA = issueCert(ca, mkdtempSync(join(dir, 'peer-')), { name: A.domain, dns: [A.domain] });
    expect(await tlsRequest(peerA, `sip:${CAROL}@carrier.example`, `<sip:+442079460958@${A.domain}>`)).toMatch(/^SIP\/2\.0 403/);
    // a call to B's user whose identity A does not assert is refused (no unverified caller reaches bob)
    expect(await tlsRequest(peerA, `sip:${BOB}@${B.domain}`, null)).toMatch(/^SIP\/2\.0 403/);
    // no certificate: not a peer, so the client's digest challenge
    expect(await tlsRequest(null, `sip:${BOB}@${B.domain}`, `<sip:+442079460958@${A.domain}>`)).toMatch(/^SIP\/2\.0 407/);
    // and B's engine heard of none of them
    expect(await eventsOf(engineB, bob.keyid, 'PeerCallReceived', 2, 0)).toHaveLength(1);
  }, 30_000);
});
