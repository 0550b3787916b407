import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

export interface DnssecBed {
  readonly resolver: { host: string; port: number };
  readonly authority: { host: string; port: number };
  /** TSIG key the bed's Knot accepts for RFC 2136 updates of NAPTR and TXT. */
  readonly tsig: { name: string; algorithm: 'hmac-sha256'; secret: Buffer };
  stop(): void;
}

const SCRIPT = join(__dirname, 'dnssec', 'dnssec-bed.sh');
const TSIG_SECRET = '9wej+OADiH3/C5i64IN4HL8bCpbf20vQl5Fg8/170y8='; // test-only

export function dnssecBinariesMissing(): string | null {
  for (const bin of ['/usr/sbin/knotd', '/usr/sbin/unbound', '/usr/bin/ldns-signzone', '/usr/bin/kdig', '/usr/sbin/keymgr']) {
    if (!existsSync(bin)) return `${bin} is missing (apt-get install knot knot-dnsutils unbound ldnsutils)`;
  }
  return null;
}

/** Knot (Ed25519-signed directory.test, TSIG updates) and a validating Unbound, on free loopback ports. */
export async function startDnssecBed(): Promise<DnssecBed> {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-dnssec-'));
  const env = {
    ...process.env,
    BED_DIR: join(dir, 'bed'),
    AUTH_PORT: String(await freePort()),
    RES_PORT: String(await freePort()),
    TSIG_SECRET,
  };
  execFileSync('bash', [SCRIPT, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  return {
    resolver: { host: '127.0.0.1', port: Number(env.RES_PORT) },
    authority: { host: '127.0.0.1', port: Number(env.AUTH_PORT) },
    tsig: { name: 'enum-update', algorithm: 'hmac-sha256', secret: Buffer.from(TSIG_SECRET, 'base64') },
    stop() {
      try {
        execFileSync('bash', [SCRIPT, 'stop'], { env, stdio: 'ignore', timeout: 30_000 });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
