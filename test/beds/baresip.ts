import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

export const BARESIP = '/usr/bin/baresip';
const MODULES = '/usr/lib/baresip/modules';

export function baresipMissing(): string | null {
  return existsSync(BARESIP) && existsSync(join(MODULES, 'ctrl_tcp.so'))
    ? null
    : `${BARESIP} or its modules are missing (scripts/install-test-deps.sh)`;
}

/** One event baresip's ctrl_tcp reports: `type` is REGISTER_OK, CALL_ESTABLISHED, CALL_CLOSED, … */
export interface BaresipEvent {
  readonly type: string;
  readonly param?: string;
  readonly id?: string;
  readonly at: number;
}

export interface Baresip {
  /** Every event so far, in order. */
  readonly events: readonly BaresipEvent[];
  /** The first event of `type` (a past one counts), bounded by `ms`. */
  waitFor(type: string, ms?: number): Promise<BaresipEvent>;
  /** A ctrl_tcp command (`dial`, `hangup`, …). */
  command(command: string, params?: string): Promise<void>;
  /** Vanishes as a client whose network died: SIGKILL, no BYE. */
  kill(): void;
  log(): string;
  stop(): Promise<void>;
}

export interface BaresipAccount {
  /** The address of record's user part: the caller's number. */
  readonly user: string;
  readonly domain: string;
  /** The API-issued credentials. */
  readonly username: string;
  readonly password: string;
  /** The proxy every request goes to: `sip:127.0.0.1:<port>;transport=tls`. */
  readonly outbound: string;
  /** `srtp-mand` (SDES, RTP/SAVP) by default; null offers plain RTP. */
  readonly mediaenc?: string | null;
}

/**
 * A baresip client in a temp config dir, driven over ctrl_tcp: PCMU from a 440 Hz sine (ausine), so
 * it sends real audio; no sound card. `caCert` is the CA it verifies the proxy's TLS certificate with.
 */
/** baresip's config: media and SIP on loopback, the modules a test client needs, ctrl_tcp on `ctrlPort`. */
function writeConfig(dir: string, ctrlPort: number, caCert: string | undefined): void {
  const rtpMin = 20_000 + 2 * Math.floor(Math.random() * 15_000);
  writeFileSync(
    join(dir, 'config'),
    [
      'poll_method epoll',
      // media on loopback too, not on the host's first interface
      'net_interface 127.0.0.1',
      // any ports: baresip takes the given one for UDP/TCP and the next for TLS, which may be taken
      'sip_listen 127.0.0.1:0',
      ...(caCert ? [`sip_cafile ${caCert}`] : []),
      'audio_source ausine,440',
      // nothing plays what it hears: the call's own counters show it arrived
      'audio_player aubridge,nowhere',
      'audio_alert aubridge,nowhere',
      // ausine makes 48 kHz stereo only; baresip resamples to the codec's 8 kHz mono
      'ausrc_srate 48000',
      'ausrc_channels 2',
      'auplay_srate 48000',
      'auplay_channels 2',
      `rtp_ports ${rtpMin}-${rtpMin + 20}`,
      'rtp_stats yes',
      `module_path ${MODULES}`,
      'module g711.so',
      'module ausine.so',
      'module aubridge.so',
      'module srtp.so',
      'module dtls_srtp.so',
      'module_app account.so',
      // dial, hangup, uareg: the commands ctrl_tcp runs
      'module_app menu.so',
      'module_app ctrl_tcp.so',
      `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
      '',
    ].join('\n'),
  );
}

export async function startBaresip(account: BaresipAccount, options: { caCert?: string } = {}): Promise<Baresip> {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-baresip-'));
  const params = [
    `auth_user=${account.username}`,
    `auth_pass=${account.password}`,
    `outbound="${account.outbound}"`,
    'regint=600',
    'answermode=manual',
    ...(account.mediaenc === null ? [] : [`mediaenc=${account.mediaenc ?? 'srtp-mand'}`]),
  ];
  // no account at start: it is added (and registers) once ctrl_tcp listens, so its REGISTER_OK is never missed
  writeFileSync(join(dir, 'accounts'), '');

  let output = '';
  let child: ChildProcess | null = null;
  let socket: Socket | null = null;
  // a port free a moment ago may be another process's by the time baresip binds it: then its
  // ctrl_tcp says so, and connecting would reach that stranger; start again on another port
  for (let attempt = 0; attempt < 3 && !socket; attempt++) {
    const ctrlPort = await freePort();
    writeConfig(dir, ctrlPort, options.caCert);
    output = '';
    const started: ChildProcess = spawn(BARESIP, ['-f', dir], { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
    child = started;
    started.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    started.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    for (let i = 0; i < 200 && started.exitCode === null && !/baresip is ready/.test(output); i++)
      await new Promise((r) => setTimeout(r, 25));
    if (/ctrl_tcp: failed to listen/.test(output) || !/baresip is ready/.test(output)) {
      started.kill('SIGKILL');
      continue;
    }
    socket = await new Promise<Socket | null>((r) => {
      const s = connect(ctrlPort, '127.0.0.1', () => r(s));
      s.once('error', () => r(null));
    });
  }
  if (!socket || !child) {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`baresip's ctrl_tcp never listened\n${output.slice(-3000)}`);
  }
  const events: BaresipEvent[] = [];
  const waiters = new Set<() => void>();
  // netstrings: <length>:<json>,
  let buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const colon = buffer.indexOf(0x3a);
      if (colon < 0) return;
      const length = Number(buffer.subarray(0, colon).toString());
      if (buffer.length < colon + 1 + length + 1) return;
      const message = JSON.parse(buffer.subarray(colon + 1, colon + 1 + length).toString()) as Record<string, unknown>;
      buffer = buffer.subarray(colon + 1 + length + 1);
      if (message['event'] === true) {
        events.push({
          type: String(message['type']),
          ...(typeof message['param'] === 'string' ? { param: message['param'] } : {}),
          ...(typeof message['id'] === 'string' ? { id: message['id'] } : {}),
          at: Date.now(),
        });
        for (const w of waiters) w();
      }
    }
  });
  socket.on('error', () => undefined);

  const waitFor = (type: string, ms = 10_000) =>
    new Promise<BaresipEvent>((resolve, reject) => {
      const check = () => {
        const found = events.find((e) => e.type === type);
        if (!found) return false;
        waiters.delete(onEvent);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const onEvent = () => void check();
      const timer = setTimeout(() => {
        waiters.delete(onEvent);
        reject(new Error(`baresip: no ${type} within ${ms} ms; events ${JSON.stringify(events)}\n${output.slice(-3000)}`));
      }, ms);
      if (!check()) waiters.add(onEvent);
    });

  const running: ChildProcess = child;
  async function stop() {
    socket?.destroy();
    if (running.exitCode === null && !running.signalCode) {
      const exited = new Promise((r) => running.once('exit', r));
      running.kill('SIGTERM');
      const timer = setTimeout(() => running.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  }

  const command = (command: string, params?: string) =>
    new Promise<void>((resolve, reject) => {
      const json = JSON.stringify({ command, ...(params ? { params } : {}), token: String(Date.now()) });
      socket!.write(`${Buffer.byteLength(json)}:${json},`, (error) => (error ? reject(error) : resolve()));
    });
  await command('uanew', `<sip:${account.user}@${account.domain}>;${params.join(';')}`);

  return {
    events,
    waitFor,
    command,
    kill: () => {
      socket?.destroy();
      running.kill('SIGKILL');
    },
    log: () => output,
    stop,
  };
}
