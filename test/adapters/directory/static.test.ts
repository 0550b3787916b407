import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STATIC_DIRECTORY_RECHECK_MS, staticDirectory } from '../../../adapters/directory/static';
import { manualClock } from '../../../core/clock';
import { enumOwnerName, parseEnumRecord, parseKeyRecord } from '../../../core/directory';
import { parseE164 } from '../../../core/e164';

const dir = mkdtempSync(join(tmpdir(), 'trunkline-static-dir-'));
const KEY = '0QXheHC0PlkfK/pWtqMMIxf29UrSGrLIjpFMI2khvUM=';

describe('directory records', () => {
  test('owner names reverse the digits under the zone (RFC 6116)', () => {
    expect(enumOwnerName(parseE164('+441234567890'), 'e164.directory.test.')).toBe('0.9.8.7.6.5.4.3.2.1.4.4.e164.directory.test');
  });
  test('key records: dirkey1/ed25519 only; others are ignored, not errors', () => {
    expect(parseKeyRecord(`v=dirkey1; k=ed25519; p=${KEY}`)?.publicKey).toHaveLength(32);
    expect(parseKeyRecord(`v=dirkey2; k=ed25519; p=${KEY}`)).toBeNull();
    expect(parseKeyRecord(`v=dirkey1; k=rsa; p=${KEY}`)).toBeNull();
    expect(parseKeyRecord('v=dirkey1; k=ed25519; p=short')).toBeNull();
  });
  test('ENUM: E2U+sip with the catch-all regexp gives its URI', () => {
    const naptr = { order: 100, preference: 10, flags: 'u', services: 'E2U+sip', regexp: '!^.*$!sip:+441234567890@provider.test!' };
    expect(parseEnumRecord(naptr)?.uri).toBe('sip:+441234567890@provider.test');
    expect(parseEnumRecord({ ...naptr, services: 'E2U+email' })).toBeNull();
  });
});

describe('static directory', () => {
  test('answers from its file and says it verified nothing', async () => {
    const file = join(dir, 'directory.json');
    writeFileSync(file, JSON.stringify({ numbers: { '+44 20 7946 0958': { keys: [KEY], sip: ['sip:+442079460958@provider.test'] } } }));
    const d = staticDirectory(file, manualClock());
    const a = await d.lookup(parseE164('+442079460958'));
    expect(a).toMatchObject({ status: 'found', enum: [{ uri: 'sip:+442079460958@provider.test' }], evidence: { authenticated: false } });
    expect((await d.lookup(parseE164('+441234567890'))).status).toBe('no-such-number');
    expect(d.description).toMatch(/verifies nothing/);
  });
  test('a malformed file is refused with the reason', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ numbers: { '+442079460958': { keys: ['nope'] } } }));
    expect(() => staticDirectory(file, manualClock())).toThrow(/numbers\.\+442079460958\.keys\.0: a base64 Ed25519 public key/);
  });
});

describe('static directory edited while the engine runs', () => {
  const OTHER = 'JrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=';
  const write = (file: string, numbers: Record<string, { keys: string[] }>) => writeFileSync(file, JSON.stringify({ numbers }));

  test('a number published after start is found within a second; a malformed edit keeps the last good file', async () => {
    const file = join(dir, 'live.json');
    write(file, { '+442079460958': { keys: [KEY] } });
    const clock = manualClock(new Date('2026-12-03T00:00:00Z'));
    const errors: string[] = [];
    const d = staticDirectory(file, clock, (m) => errors.push(m));
    const bob = parseE164('+447911123456');
    expect((await d.lookup(bob)).status).toBe('no-such-number');
    write(file, { '+442079460958': { keys: [KEY] }, '+447911123456': { keys: [OTHER] } });
    clock.advance(STATIC_DIRECTORY_RECHECK_MS);
    expect(await d.lookup(bob)).toMatchObject({ status: 'found', keys: [{ publicKey: expect.any(Uint8Array) }] });
    writeFileSync(file, '{"numbers": {"+447911123456": {"keys": ["nope"]}}}');
    clock.advance(STATIC_DIRECTORY_RECHECK_MS);
    expect((await d.lookup(bob)).status).toBe('found');
    expect(errors).toEqual([expect.stringMatching(/keys\.0: a base64 Ed25519 public key; keeping the last good directory/)]);
  });

  test('a file written after start is read', async () => {
    const file = join(dir, 'later.json');
    const clock = manualClock(new Date('2026-12-03T00:00:00Z'));
    const d = staticDirectory(file, clock);
    expect((await d.lookup(parseE164('+442079460958'))).status).toBe('no-such-number');
    write(file, { '+442079460958': { keys: [KEY] } });
    clock.advance(STATIC_DIRECTORY_RECHECK_MS);
    expect((await d.lookup(parseE164('+442079460958'))).status).toBe('found');
  });
});
