import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { trunklineClient } from '../../../adapters/client/index';
import { loadConfig } from '../../../adapters/runtime/config';
import { createEngine, type Engine } from '../../../adapters/runtime/engine';
import { dnssecBinariesMissing, startDnssecBed, type DnssecBed } from '../../beds/dnssec-bed';
import { addRecords } from '../../beds/dnssec/update';
import { listen } from '../../support/listen';

const missing = dnssecBinariesMissing();
if (missing && process.env['CI'] !== 'true') console.warn(`\n*** SKIPPED accounts-over-DNSSEC suite: ${missing}. ***\n`);

// Skipped only outside CI when Knot/Unbound are not installed (see the warning); under CI=true it runs and fails loudly.
(missing && process.env['CI'] !== 'true' ? describe.skip : describe)('accounts against a real DNSSEC directory', () => {
  let bed: DnssecBed;
  let dir: string;
  const engines: Engine[] = [];
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    bed = await startDnssecBed();
    dir = mkdtempSync(join(tmpdir(), 'trunkline-acc-dnssec-'));
  }, 90_000);
  afterAll(async () => {
    for (const c of closers) await c();
    for (const e of engines) await e.close();
    bed?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function serve(zone: string, resolverPort = bed.resolver.port): Promise<string> {
    const config = loadConfig({
      env: {
        TRUNKLINE_STORE: 'memory',
        TRUNKLINE_DIRECTORY: 'dnssec',
        TRUNKLINE_DIRECTORY_RESOLVER: `127.0.0.1:${resolverPort}`,
        TRUNKLINE_DIRECTORY_ZONE: zone,
      },
      flags: { dataDir: join(dir, zone) },
      cwd: dir,
    });
    const engine = await createEngine(config, { logger: pino({ level: 'silent' }) });
    engines.push(engine);
    const { base, close } = await listen(engine.app);
    closers.push(close);
    return base;
  }

  test('a key the client published by RFC 2136 opens its account; the evidence is authenticated', async () => {
    const key = generateKeyPairSync('ed25519');
    const number = '+442079460958';
    const raw = key.publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64');
    const owner = '8.5.9.0.6.4.9.7.0.2.4.4.e164.directory.test';
    expect(
      await addRecords(bed.authority, bed.tsig, 'directory.test', [
        { type: 'TXT', name: owner, ttl: 60, data: `v=dirkey1; k=ed25519; p=${raw}` },
      ]),
    ).toBe('NOERROR');
    const client = trunklineClient({ baseUrl: await serve('e164.directory.test'), keyid: number, privateKey: key.privateKey });
    expect(await client.openAccount()).toMatchObject({ number, status: 'open' });
  });

  test.each([
    ['a tampered zone', 'e164.tampered.test', 'bogus'],
    ['an unsigned zone', 'e164.insecure.test', 'unsigned'],
  ])('%s is a 503 directory-unavailable, never an unknown key', async (_what, zone, reason) => {
    const client = trunklineClient({
      baseUrl: await serve(zone),
      keyid: '+441234567890',
      privateKey: generateKeyPairSync('ed25519').privateKey,
    });
    await expect(client.openAccount()).rejects.toMatchObject({
      status: 503,
      problem: { type: 'https://trunkline.dev/problems/directory-unavailable', reason },
    });
  });
});
