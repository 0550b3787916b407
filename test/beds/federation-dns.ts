import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const KNOTD = '/usr/sbin/knotd';
const KDIG = '/usr/bin/kdig';

/** What a provider publishes for federation: where its SIP-over-TLS listener is. */
export interface ProviderRecords {
  readonly domain: string;
  readonly host: string;
  readonly tlsPort: number;
  /** Publish SIP over UDP instead (NAPTR SIP+D2U → SRV `_sip._udp`): a provider reachable only in clear. */
  readonly clear?: boolean;
}

export interface FederationDns {
  /** A resolv.conf naming this server: for startKamailio's `resolvConf`. */
  readonly resolvConf: string;
  readonly address: string;
  stop(): Promise<void>;
}

/** Why the bed cannot run here: Knot missing, or no root to bind port 53 and a resolv.conf in a mount namespace. */
export function federationDnsMissing(): string | null {
  for (const bin of [KNOTD, KDIG, '/usr/bin/unshare']) if (!existsSync(bin)) return `${bin} is missing (scripts/install-test-deps.sh)`;
  if (process.getuid?.() !== 0) return 'not root: port 53 and a private /etc/resolv.conf for Kamailio need it';
  return null;
}

/**
 * A provider's zone as the federation docs show it: NAPTR (SIPS over TCP only) → SRV
 * `_sips._tcp` → A of its proxy.
 */
export function providerZone(p: ProviderRecords): string {
  return [
    `$ORIGIN ${p.domain}.`,
    '$TTL 60',
    `@          SOA   ns.${p.domain}. hostmaster.${p.domain}. 1 3600 600 86400 60`,
    '@          NS    ns',
    `ns         A     ${p.host}`,
    ...(p.clear
      ? ['@          NAPTR 10 50 "s" "SIP+D2U" "" _sip._udp', `_sip._udp  SRV   10 10 ${p.tlsPort} sip`]
      : ['@          NAPTR 10 50 "s" "SIPS+D2T" "" _sips._tcp', `_sips._tcp SRV   10 10 ${p.tlsPort} sip`]),
    `sip        A     ${p.host}`,
    '',
  ].join('\n');
}

async function answers(address: string, domain: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const out = execFileSync(KDIG, ['+short', '+time=1', '+retry=0', `@${address}`, 'NAPTR', domain], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      if (out.toString().trim() !== '') return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`knotd on ${address}:53 does not answer for ${domain}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Knot, authoritative for the providers' zones, on port 53 of a loopback address of its own
 * (glibc's resolver, which Kamailio uses, only speaks to port 53). Anything else is REFUSED:
 * no query leaves the machine.
 */
export async function startFederationDns(providers: readonly ProviderRecords[]): Promise<FederationDns> {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-fed-dns-'));
  // a random 127.53.x.y: parallel suites (and a host's 127.0.0.53 stub) keep their own port 53
  const address = `127.53.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
  for (const d of ['run', 'db', 'zones']) mkdirSync(join(dir, d));
  for (const p of providers) writeFileSync(join(dir, 'zones', `${p.domain}.zone`), providerZone(p));
  writeFileSync(
    join(dir, 'knot.conf'),
    [
      'server:',
      `    rundir: "${dir}/run"`,
      `    listen: [ ${address}@53 ]`,
      'log:',
      `  - target: "${dir}/knotd.log"`,
      '    any: info',
      'database:',
      `    storage: "${dir}/db"`,
      'template:',
      '  - id: default',
      `    storage: "${dir}/zones"`,
      '    file: "%s.zone"',
      'zone:',
      ...providers.map((p) => `  - domain: ${p.domain}`),
      '',
    ].join('\n'),
  );
  const resolvConf = join(dir, 'resolv.conf');
  writeFileSync(resolvConf, `nameserver ${address}\noptions timeout:1 attempts:2\n`);
  const child: ChildProcess = spawn(KNOTD, ['-c', join(dir, 'knot.conf')], { stdio: 'ignore' });
  const stop = async () => {
    if (child.exitCode === null && !child.signalCode) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const p of providers) await answers(address, p.domain);
  } catch (error) {
    await stop();
    throw error;
  }
  return { resolvConf, address, stop };
}
