import { generateKeyPairSync } from 'node:crypto';
import { dnssecDirectory } from '../../../adapters/directory/dnssec';
import { systemClock } from '../../../core/clock';
import { DirectoryUnavailableError } from '../../../core/directory';
import { parseE164 } from '../../../core/e164';
import { dnssecBinariesMissing, startDnssecBed, type DnssecBed } from '../../beds/dnssec-bed';
import { addRecords } from '../../beds/dnssec/update';
import { freePort } from '../../beds/free-port';

const missing = dnssecBinariesMissing();
if (missing && process.env['CI'] !== 'true')
  console.warn(`\n*** SKIPPED DNSSEC directory suite: ${missing}. Run scripts/install-test-deps.sh. ***\n`);

// Skipped only outside CI when Knot/Unbound are not installed (see the warning); under CI=true it runs and fails loudly.
(missing && process.env['CI'] !== 'true' ? describe.skip : describe)('DNSSEC directory on a real Knot + Unbound', () => {
  let bed: DnssecBed;
  beforeAll(async () => {
    bed = await startDnssecBed();
  }, 90_000);
  afterAll(() => bed?.stop());

  const directory = (zone = 'e164.directory.test') =>
    dnssecDirectory({ resolver: bed.resolver, zone, clock: systemClock, timeoutMs: 3000 });
  const number = parseE164('+441234567890');

  test('a signed number gives its key and ENUM entry, with the evidence', async () => {
    const answer = await directory().lookup(number);
    expect(answer.status).toBe('found');
    if (answer.status !== 'found') return;
    expect(answer.keys.map((k) => Buffer.from(k.publicKey).toString('base64'))).toEqual(['0QXheHC0PlkfK/pWtqMMIxf29UrSGrLIjpFMI2khvUM=']);
    expect(answer.enum).toEqual([{ order: 100, preference: 10, service: 'E2U+sip', uri: 'sip:+441234567890@provider.test' }]);
    expect(answer.evidence).toMatchObject({ authenticated: true, ttlSeconds: 60 });
  });

  test.each([
    ['e164.tampered.test', 'bogus'],
    ['e164.stripped.test', 'bogus'],
    ['e164.insecure.test', 'unsigned'],
  ])('a record in %s is refused as %s, never taken for "no key"', async (zone, reason) => {
    await expect(directory(zone).lookup(number)).rejects.toMatchObject({ name: 'DirectoryUnavailableError', reason });
  });

  test('an unknown number is a proven non-existence', async () => {
    expect((await directory().lookup(parseE164('+447911123456'))).status).toBe('no-such-number');
  });

  test('an unreachable resolver is an error, not an empty answer', async () => {
    const down = dnssecDirectory({
      resolver: { host: '127.0.0.1', port: await freePort() },
      zone: 'e164.directory.test',
      clock: systemClock,
      timeoutMs: 300,
    });
    await expect(down.lookup(number)).rejects.toBeInstanceOf(DirectoryUnavailableError);
    await expect(down.lookup(number)).rejects.toMatchObject({ reason: 'unreachable' });
  });

  test('an ENUM entry and two keys (rotation) added by an RFC 2136 update are read back authenticated', async () => {
    const fresh = parseE164('+442079460958');
    const owner = '8.5.9.0.6.4.9.7.0.2.4.4.e164.directory.test';
    const [k1, k2] = [generateKeyPairSync('ed25519'), generateKeyPairSync('ed25519')].map((k) =>
      k.publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64'),
    );
    const rcode = await addRecords(bed.authority, bed.tsig, 'directory.test', [
      {
        type: 'NAPTR',
        name: owner,
        ttl: 60,
        data: {
          order: 100,
          preference: 10,
          flags: 'u',
          services: 'E2U+sip',
          regexp: `!^.*$!sip:${fresh}@provider.test!`,
          replacement: '.',
        },
      },
      { type: 'TXT', name: owner, ttl: 60, data: `v=dirkey1; k=ed25519; p=${k1}` },
      { type: 'TXT', name: owner, ttl: 60, data: `v=dirkey1; k=ed25519; p=${k2}` },
      { type: 'TXT', name: owner, ttl: 60, data: 'v=dirkey9; k=rsa; p=ignored' },
    ]);
    expect(rcode).toBe('NOERROR');
    const answer = await directory().lookup(fresh);
    expect(answer.status).toBe('found');
    if (answer.status !== 'found') return;
    expect(answer.keys.map((k) => Buffer.from(k.publicKey).toString('base64')).sort()).toEqual([k1, k2].sort());
    expect(answer.enum[0]?.uri).toBe(`sip:${fresh}@provider.test`);
  });
});
