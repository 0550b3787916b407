import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

export const KAMAILIO = '/usr/sbin/kamailio';
export const SIPP = '/usr/bin/sipp';
export const TEMPLATE = join(__dirname, '..', '..', 'adapters', 'sip', 'kamailio', 'kamailio.cfg');
const CARRIER_XML = join(__dirname, '..', '..', 'adapters', 'sip', 'sipp', 'carrier.xml');
const CARRIER_MEDIA_XML = join(__dirname, '..', '..', 'adapters', 'sip', 'sipp', 'carrier-media.xml');

export function sipBedMissing(): string | null {
  return existsSync(KAMAILIO) && existsSync(SIPP) ? null : `${KAMAILIO} or ${SIPP} is missing (scripts/install-test-deps.sh)`;
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
export function sipAnswers(port: number, ms = 10_000): Promise<void> {
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
        if (Date.now() > deadline) return done(new Error(`no SIP answer on 127.0.0.1:${port} within ${ms} ms`));
        const branch = `z9hG4bK${Math.random().toString(36).slice(2)}`;
        const m = `OPTIONS sip:127.0.0.1:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${local};branch=${branch};rport\r\nFrom: <sip:probe@127.0.0.1>;tag=p\r\nTo: <sip:127.0.0.1:${port}>\r\nCall-ID: probe-${branch}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
        sock.send(m, port, '127.0.0.1');
      };
      timer = setInterval(send, 50);
      send();
    });
  });
}

function udpTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(true));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(false)));
  });
}

async function tcpOpen(port: number, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1', () => (s.end(), r(true)));
      s.on('error', () => r(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

export interface Kamailio {
  readonly sipPort: number;
  readonly wsPort: number;
  log(): string;
  stop(): Promise<void>;
}

/** A private Kamailio from the shipped template on free loopback ports, talking to the engine's hooks. */
export async function startKamailio(options: {
  hooksUrl: string;
  ephSecret: string;
  ephSha: number;
  frTimerMs?: number;
  /** More template defines (RTPENGINE_SOCK, MEDIA_TIMEOUT, …), as `-A` would set them. */
  defines?: Readonly<Record<string, string>>;
}): Promise<Kamailio> {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-kamailio-'));
  mkdirSync(join(dir, 'run'));
  const [sipPort, wsPort] = [await freePort(), await freePort()];
  const cfg = join(dir, 'kamailio.cfg');
  writeFileSync(
    cfg,
    renderConfig(
      {
        EPH_SECRET: JSON.stringify(options.ephSecret),
        EPH_SHA: String(options.ephSha),
        SIP_LISTEN: `udp:127.0.0.1:${sipPort}`,
        WS_LISTEN: `tcp:127.0.0.1:${wsPort}`,
        // not 127.0.0.1: a port-less alias for it would make the loopback carriers "myself"
        SIP_DOMAIN: '"trunkline.test"',
        FR_TIMER: String(options.frTimerMs ?? 2000),
        ...options.defines,
      },
      { TRUNKLINE_HOOKS: options.hooksUrl },
    ),
  );
  let output = '';
  const child = spawn(KAMAILIO, ['-f', cfg, '-DD', '-E', '-m', '64', '-M', '8', '-Y', join(dir, 'run')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  try {
    await sipAnswers(sipPort);
    await tcpOpen(wsPort);
  } catch (error) {
    await stopChild(child);
    throw new Error(`${(error as Error).message}\n${output.slice(-3000)}`);
  }
  return {
    sipPort,
    wsPort,
    log: () => output,
    async stop() {
      await stopChild(child);
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
