import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

export const STUNNEL = '/usr/bin/stunnel';

export interface TlsTunnel {
  /** Plain TCP on 127.0.0.1 that comes out as TLS at the target. */
  readonly port: number;
  stop(): Promise<void>;
}

export function tlsTunnelMissing(): string | null {
  return existsSync(STUNNEL) ? null : `${STUNNEL} is missing (scripts/install-test-deps.sh)`;
}

/**
 * stunnel as a TLS client: what a plain-TCP load generator (Debian's sipp has no TLS) sends to
 * `port` reaches `target` over one verified TLS 1.2+ connection per TCP connection.
 */
export async function startTlsTunnel(target: { host: string; port: number; ca: string; name: string }): Promise<TlsTunnel> {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-stunnel-'));
  const port = await freePort();
  const conf = join(dir, 'stunnel.conf');
  writeFileSync(
    conf,
    [
      'foreground = yes',
      `pid =`,
      'debug = 4',
      '[sip]',
      'client = yes',
      `accept = 127.0.0.1:${port}`,
      `connect = ${target.host}:${target.port}`,
      `CAfile = ${target.ca}`,
      'verifyChain = yes',
      `checkHost = ${target.name}`,
      'sslVersionMin = TLSv1.2',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(STUNNEL, [conf], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const open = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1', () => (s.end(), r(true)));
      s.on('error', () => r(false));
    });
    if (open) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`stunnel did not listen on 127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
