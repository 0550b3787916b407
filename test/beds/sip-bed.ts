import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { stopChild } from './stop-child';
import { RTPENGINE, startRtpengine } from './rtpengine';
import { createCa, issueCert, type Ca } from './tls-ca';

export const KAMAILIO = '/usr/sbin/kamailio';
export const SIPP = '/usr/bin/sipp';
export const TEMPLATE = join(__dirname, '..', '..', 'adapters', 'sip', 'kamailio', 'kamailio.cfg');
const CARRIER_XML = join(__dirname, '..', '..', 'adapters', 'sip', 'sipp', 'carrier.xml');
const CARRIER_MEDIA_XML = join(__dirname, '..', '..', 'adapters', 'sip', 'sipp', 'carrier-media.xml');

const TLS_MODULE = '/usr/lib/x86_64-linux-gnu/kamailio/modules/tls.so';

/** The bed's own rtpengine ends a call after this long without media (the signalling-only clients send none). */
const MEDIA_TIMEOUT_SECONDS = 30;

export function sipBedMissing(): string | null {
  return [KAMAILIO, SIPP, TLS_MODULE, RTPENGINE].every((f) => existsSync(f))
    ? null
    : `${KAMAILIO}, its tls module, ${RTPENGINE} or ${SIPP} is missing (scripts/install-test-deps.sh)`;
}

/** The shipped template with its defines set ahead of it (the template's #!ifndef then keeps them). */
export function renderConfig(defines: Readonly<Record<string, string>>, substdefs: Readonly<Record<string, string>>): string {
  const template = readFileSync(TEMPLATE, 'utf8');
  const head = [
    '#!KAMAILIO',
    ...Object.entries(substdefs).map(([k, v]) => `#!substdef "!${k}!${v}!g"`),
    ...Object.entries(defines).map(([k, v]) => `#!define ${k} ${v}`),
  ];
  return `${head.join('\n')}\n${template.replace(/^#!KAMAILIO\n/, '')}`;
}

/** Resolves once a UDP SIP endpoint answers OPTIONS (bounded: `ms`). */
export function sipAnswers(port: number, host = '127.0.0.1', ms = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = createSocket('udp4');
    const deadline = Date.now() + ms;
    let timer: NodeJS.Timeout;
    const done = (error?: Error) => {
      clearInterval(timer);
      sock.close();
      if (error) reject(error);
      else resolve();
    };
    sock.on('message', () => done());
    sock.bind(0, '127.0.0.1', () => {
      const local = sock.address().port;
      const send = () => {
        if (Date.now() > deadline) return done(new Error(`no SIP answer on ${host}:${port} within ${ms} ms`));
        const branch = `z9hG4bK${Math.random().toString(36).slice(2)}`;
        const m = `OPTIONS sip:${host}:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${local};branch=${branch};rport\r\nFrom: <sip:probe@127.0.0.1>;tag=p\r\nTo: <sip:${host}:${port}>\r\nCall-ID: probe-${branch}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
        sock.send(m, port, host);
      };
      timer = setInterval(send, 50);
      send();
    });
  });
}

/** Whether something holds UDP `port` on 127.0.0.1: a bind to it fails. */
export function udpTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    // a failed bind leaves the socket open: closed here, or it stays open for the rest of the test run
    s.once('error', () => s.close(() => resolve(true)));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(false)));
  });
}

async function tcpOpen(port: number, host: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const s = connect(port, host, () => (s.end(), r(true)));
      s.on('error', () => r(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Kamailio {
  /** SIP over TLS, for clients and federation peers. */
  readonly tlsPort: number;
  /** Secure WebSocket, for sip.js. */
  readonly wssPort: number;
  /** Plain UDP, the private carrier-trunk listener. */
  readonly trunkPort: number;
  readonly host: string;
  /** The PEM file of the CA the bed's certificate chains to: what clients trust. */
  readonly caCert: string;
  log(): string;
  stop(): Promise<void>;
}

/**
 * A private Kamailio from the shipped template on free ports of a loopback address, talking to the
 * engine's hooks, with a certificate for `domain` (and the address) from `ca` (a new private CA unless given).
 */
export async function startKamailio(options: {
  hooksUrl: string;
  ephSecret: string;
  ephSha: number;
  frTimerMs?: number;
  host?: string;
  domain?: string;
  ca?: Ca;
  /** More template defines (values as the template takes them: strings quoted), e.g. RTPENGINE_SOCK, MEDIA_TIMEOUT. */
  defines?: Readonly<Record<string, string>>;
  /**
   * A resolv.conf for Kamailio alone (its resolver reads /etc/resolv.conf, port 53 only): bind-mounted
   * over /etc/resolv.conf in a mount namespace of its own (root only: see federationDnsMissing).
   */
  resolvConf?: string;
  /** The SIP-over-TLS port, when it must be known before the start (a DNS zone publishes it); else a free one. */
  tlsPort?: number;
}): Promise<Kamailio> {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-kamailio-'));
  mkdirSync(join(dir, 'run'));
  const host = options.host ?? '127.0.0.1';
  // not 127.0.0.1: a port-less alias for it would make the loopback carriers "myself"
  const domain = options.domain ?? 'trunkline.test';
  const ca = options.ca ?? createCa(dir);
  const own = issueCert(ca, dir, { name: domain, dns: [domain], ip: [host] });
  const [tlsPort, wssPort, trunkPort, rpcPort] = [
    options.tlsPort ?? (await freePort()),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  // media goes through rtpengine, as in production: a private one unless the caller brings its own
  const rtpengine = options.defines?.['RTPENGINE_SOCK']
    ? null
    : await startRtpengine({ timeoutSeconds: MEDIA_TIMEOUT_SECONDS, b2bUrl: `http://127.0.0.1:${rpcPort}/RPC2` });
  const cfg = join(dir, 'kamailio.cfg');
  writeFileSync(
    cfg,
    renderConfig(
      {
        EPH_SECRET: JSON.stringify(options.ephSecret),
        EPH_SHA: String(options.ephSha),
        CLIENT_TLS_LISTEN: `tls:${host}:${tlsPort}`,
        CLIENT_WSS_LISTEN: `tls:${host}:${wssPort}`,
        TRUNK_LISTEN: `udp:${host}:${trunkPort}`,
        TLS_CERT: JSON.stringify(own.cert),
        TLS_KEY: JSON.stringify(own.key),
        TLS_CA: JSON.stringify(ca.cert),
        SIP_DOMAIN: JSON.stringify(domain),
        FR_TIMER: String(options.frTimerMs ?? 2000),
        ...(rtpengine
          ? {
              RTPENGINE_SOCK: JSON.stringify(`udp:127.0.0.1:${rtpengine.ngPort}`),
              MEDIA_TIMEOUT: String(MEDIA_TIMEOUT_SECONDS),
              MEDIA_RPC_LISTEN: `tcp:127.0.0.1:${rpcPort}`,
            }
          : {}),
        ...options.defines,
      },
      { TRUNKLINE_HOOKS: options.hooksUrl },
    ),
  );
  let output = '';
  const args = ['-f', cfg, '-DD', '-E', '-m', '64', '-M', '8', '-Y', join(dir, 'run')];
  // unshare without --fork execs in place, so the child's pid stays Kamailio's
  const child = options.resolvConf
    ? spawn('unshare', ['--mount', 'sh', '-c', 'mount --bind "$0" /etc/resolv.conf && exec "$@"', options.resolvConf, KAMAILIO, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    : spawn(KAMAILIO, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  try {
    await sipAnswers(trunkPort, host);
    await tcpOpen(tlsPort, host);
    await tcpOpen(wssPort, host);
  } catch (error) {
    await stopChild(child);
    await rtpengine?.stop();
    throw new Error(`${(error as Error).message}\n${output.slice(-3000)}`);
  }
  return {
    tlsPort,
    wssPort,
    trunkPort,
    host,
    caCert: ca.cert,
    log: () => output,
    async stop() {
      await stopChild(child);
      await rtpengine?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Carrier {
  readonly port: number;
  /** The SIP messages sipp sent and received so far (only when started with `trace`). */
  messages(): string;
  stop(): Promise<void>;
}

/**
 * sipp as a carrier: answers every INVITE with 200 and waits for the BYE. With `media`, its answer
 * points the call's plain RTP at that endpoint; with `trace`, its SIP messages are kept.
 */
export async function startCarrier(options: { media?: { ip: string; port: number }; trace?: boolean } = {}): Promise<Carrier> {
  const port = await freePort();
  const dir = options.trace ? mkdtempSync(join(tmpdir(), 'trunkline-carrier-')) : null;
  const messageFile = dir ? join(dir, 'messages.log') : null;
  const args = [
    ...(options.media
      ? ['-sf', CARRIER_MEDIA_XML, '-key', 'rtp_ip', options.media.ip, '-key', 'rtp_port', String(options.media.port)]
      : ['-sf', CARRIER_XML]),
    ...(messageFile ? ['-trace_msg', '-message_file', messageFile] : []),
    ...['-i', '127.0.0.1', '-p', String(port), '-nostdin'],
  ];
  const child = spawn(SIPP, args, { stdio: 'ignore', cwd: dir ?? tmpdir() });
  // sipp would take an OPTIONS probe for a call: wait instead until its port is taken (bounded)
  for (let i = 0; i < 100 && !(await udpTaken(port)); i++) await new Promise((r) => setTimeout(r, 50));
  return {
    port,
    messages: () => (messageFile && existsSync(messageFile) ? readFileSync(messageFile, 'utf8') : ''),
    async stop() {
      await stopChild(child);
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
