import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

export const TURNSERVER = '/usr/bin/turnserver';
export const UCLIENT = '/usr/bin/turnutils_uclient';
const STUNCLIENT = '/usr/bin/turnutils_stunclient';

export function coturnMissing(): string | null {
  return existsSync(TURNSERVER) && existsSync(UCLIENT) ? null : `${TURNSERVER} or ${UCLIENT} is missing (apt-get install coturn)`;
}

export interface Coturn {
  readonly port: number;
  stop(): Promise<void>;
}

/** A private coturn on 127.0.0.1 with `use-auth-secret` (TURN REST API credentials), relaying on loopback only. */
export async function startCoturn(secret: string): Promise<Coturn> {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-turn-'));
  const port = await freePort();
  const relayBase = 40_000 + Math.floor(Math.random() * 200) * 100;
  const child: ChildProcess = spawn(
    TURNSERVER,
    [
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      `--min-port=${relayBase}`,
      `--max-port=${relayBase + 99}`,
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm=provider.test',
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      '--allow-loopback-peers',
      '--log-file=stdout',
      `--pidfile=${join(dir, 'pid')}`,
      `--userdb=${join(dir, 'db.sqlite')}`,
    ],
    { stdio: 'ignore' },
  );
  // bounded wait (≤ 10 s) until it answers a STUN binding request
  for (let i = 0; i < 50; i++) {
    if (spawnSync(STUNCLIENT, ['-p', String(port), '127.0.0.1'], { timeout: 2000, stdio: 'ignore' }).status === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    port,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Allocates a relay with the credentials and bounces 5 messages through it; true when all came back. */
export function allocateRelay(port: number, username: string, password: string): { ok: boolean; output: string } {
  const r = spawnSync(UCLIENT, ['-p', String(port), '-u', username, '-w', password, '-y', '-n', '5', '-m', '1', '-l', '100', '127.0.0.1'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  const output = `${r.stdout}${r.stderr}`;
  return { ok: r.status === 0 && /Total lost packets 0 /.test(output), output };
}
