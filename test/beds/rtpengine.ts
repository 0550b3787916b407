import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from './free-port';
import { stopChild } from './stop-child';
import { ngCommand, type Bencoded } from './ng-control';

export const RTPENGINE = '/usr/bin/rtpengine';

export function rtpengineMissing(): string | null {
  return existsSync(RTPENGINE) ? null : `${RTPENGINE} is missing (scripts/install-test-deps.sh)`;
}

export interface Rtpengine {
  /** The ng control port on 127.0.0.1 (Kamailio's `rtpengine_sock` is `udp:127.0.0.1:<ngPort>`). */
  readonly ngPort: number;
  /** One ng command (`query`, `list`, …) and its answer. */
  ng(command: { [key: string]: Bencoded }): Promise<{ [key: string]: Bencoded }>;
  log(): string;
  stop(): Promise<void>;
}

/**
 * A private rtpengine on loopback, userspace forwarding only (no kernel module): an ng control port
 * and a media port range of its own, `timeoutSeconds` of silence ending a call, and that end told
 * to the proxy at `b2bUrl` (XML-RPC `dlg.terminate_dlg`, rtpengine's Kamailio format).
 */
export async function startRtpengine(options: { timeoutSeconds: number; b2bUrl?: string }): Promise<Rtpengine> {
  const ngPort = await freePort();
  // a range of its own per bed: parallel suites' engines then never fight over the same ports
  // 1,000 ports: four per relayed call (RTP and RTCP on both legs), so 250 calls at once, what
  // bench:sip's 100 calls/s of 1 s calls reach; rtpengine skips a port another bed holds
  const portMin = 20_000 + 1000 * Math.floor(Math.random() * 40);
  const args = [
    // never the system's /etc/rtpengine/rtpengine.conf: its fixed CLI and HTTP ports clash between beds
    '--config-file=none',
    '--table=-1',
    '--foreground',
    '--log-stderr',
    '--log-level=6',
    '--interface=127.0.0.1',
    `--listen-ng=127.0.0.1:${ngPort}`,
    `--port-min=${portMin}`,
    `--port-max=${portMin + 999}`,
    `--timeout=${options.timeoutSeconds}`,
    `--silent-timeout=${options.timeoutSeconds}`,
    '--delete-delay=0',
    ...(options.b2bUrl ? [`--b2b-url=${options.b2bUrl}`, '--xmlrpc-format=2'] : []),
  ];
  let output = '';
  const child = spawn(RTPENGINE, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const ng = (command: { [key: string]: Bencoded }) => ngCommand(ngPort, command);
  let ready = false;
  for (let i = 0; i < 50 && !ready && child.exitCode === null; i++) {
    ready = await ngCommand(ngPort, { command: 'ping' }, 200).then(
      (a) => a['result'] === 'pong',
      () => false,
    );
  }
  if (!ready) {
    await stopChild(child);
    throw new Error(`rtpengine did not answer ping on 127.0.0.1:${ngPort}\n${output.slice(-3000)}`);
  }
  return { ngPort, ng, log: () => output, stop: () => stopChild(child) };
}
