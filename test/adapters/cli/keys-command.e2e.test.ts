import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../../core/clock';
import { parseKeyRecord } from '../../../core/directory';
import type { E164 } from '../../../core/e164';
import { staticDirectory } from '../../../adapters/directory/static';
import { runCli } from '../../support/cli';
import { signedFetch } from '../../support/signed-fetch';
import { testEngine } from '../../support/test-engine';

describe('trunkline keys generate', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'trunkline-keys-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const generate = (...args: string[]) => {
    const r = runCli(['keys', 'generate', '--json', ...args]);
    expect([r.status, r.stderr]).toEqual([0, '']);
    return JSON.parse(r.stdout) as {
      privateKeyFile: string;
      publicKey: string;
      directoryEntry: { numbers: Record<string, { keys: string[] }> };
      txtRecord: string;
      operatorEntry?: { id: string; publicKey: string; roles: string[] };
    };
  };

  test('the PEM, the raw public key, the directory entry and the TXT record all name one key', async () => {
    const g = generate('--out', join(dir, 'alice.pem'), '--number', '+442079460958', '--zone', 'e164.directory.test');
    expect(statSync(g.privateKeyFile).mode & 0o777).toBe(0o600);
    const raw = createPublicKey(createPrivateKey(readPem(g.privateKeyFile)))
      .export({ format: 'der', type: 'spki' })
      .subarray(12);
    expect(g.publicKey).toBe(raw.toString('base64'));
    expect(g.txtRecord).toBe(`8.5.9.0.6.4.9.7.0.2.4.4.e164.directory.test. IN TXT "v=dirkey1; k=ed25519; p=${g.publicKey}"`);
    const txt = /"(.*)"$/.exec(g.txtRecord)![1]!;
    expect(Buffer.from(parseKeyRecord(txt)!.publicKey)).toEqual(raw);
    // the static directory reads the entry as printed
    const file = join(dir, 'directory.json');
    writeFileSync(file, JSON.stringify(g.directoryEntry));
    const answer = await staticDirectory(file, systemClock).lookup('+442079460958' as E164);
    expect(answer.status === 'found' && Buffer.from(answer.keys[0]!.publicKey)).toEqual(raw);
  });

  test('an operator key from it signs requests the engine accepts with that operators entry', async () => {
    const g = generate('--out', join(dir, 'ops.pem'), '--operator', 'ops-9', '--roles', 'finance, admin');
    expect(g.operatorEntry).toEqual({ id: 'ops-9', publicKey: g.publicKey, roles: ['finance', 'admin'] });
    const t = await testEngine({ numbers: [], config: { operators: [g.operatorEntry!] } });
    try {
      await t.engine.runner.catchUp('call-records');
      const who = {
        keyid: 'ops-9',
        privateKey: createPrivateKey(readPem(g.privateKeyFile)),
        publicKey: createPublicKey(readPem(g.privateKeyFile)),
      };
      expect((await signedFetch(t.base, who, 'GET', '/v1/calls')).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  test('never overwrites a key; a bad number is one line and exit 1', () => {
    const file = join(dir, 'once.pem');
    generate('--out', file);
    const again = runCli(['keys', 'generate', '--out', file]);
    expect([again.status, again.stderr]).toEqual([1, `trunkline: ${file} exists; keys are never overwritten (choose --out)\n`]);
    const bad = runCli(['keys', 'generate', '--out', join(dir, 'x.pem'), '--number', '12']);
    expect([bad.status, bad.stderr.trim().split('\n')]).toEqual([1, [expect.stringMatching(/^trunkline: .*phone number/)]]);
  });
});

const readPem = (file: string) => readFileSync(file, 'utf8');
