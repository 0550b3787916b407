import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { operatorKey } from '../../support/operator-key';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliAsync } from '../../support/cli';
import { rawPublicKey, signedFetch, signer, type Signer } from '../../support/signed-fetch';
import { testEngine, type TestEngine } from '../../support/test-engine';
import { waitFor } from '../../support/wait';

describe('trunkline accounts list|search|show|grant|suspend|reinstate|close|limits|risk-classes against a running engine', () => {
  const alice = signer('+442079460958');
  const bob = signer('+447911123456');
  let dir: string;
  let t: TestEngine;
  let admin: { who: Signer; file: string };
  let viewer: { who: Signer; file: string };
  let cli: (...args: string[]) => Promise<{ status: number | null; stdout: string; stderr: string }>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trunkline-ops-cli-'));
    admin = operatorKey(dir, 'ops-admin');
    viewer = operatorKey(dir, 'ops-finance');
    t = await testEngine({
      numbers: [alice, bob],
      operators: [
        { who: admin.who, roles: ['admin'] },
        { who: viewer.who, roles: ['finance'] },
      ],
    });
    await t.engine.runner.start();
    for (const p of [alice, bob]) expect((await signedFetch(t.base, p, 'POST', '/v1/accounts', { currency: 'EUR' })).status).toBe(201);
    // the CLI's own configuration: the same operators list, the admin key as its default
    const cliData = join(dir, 'cli');
    mkdirSync(cliData);
    writeFileSync(
      join(cliData, 'trunkline.json'),
      JSON.stringify({
        operators: [admin, viewer].map((o, i) => ({
          id: o.who.keyid,
          publicKey: rawPublicKey(o.who.publicKey),
          roles: [i ? 'finance' : 'admin'],
        })),
        operatorKeyFile: admin.file,
      }),
    );
    cli = (...args) => runCliAsync(['--data-dir', cliData, ...args, '--api', t.base]);
    await waitFor(async () => (await cli('accounts', 'list', '--json')).stdout.includes(bob.keyid), 10_000, 'both accounts listed');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('list and search: a table for people, JSON for programs', async () => {
    const table = await cli('accounts', 'list');
    expect([table.status, table.stderr]).toEqual([0, '']);
    expect(table.stdout).toMatch(/^number\s+accountId\s+status\s+currency\s+paid\s+granted\s+reserved/);
    const list = JSON.parse((await cli('accounts', 'list', '--json', '--limit', '1', '--all')).stdout) as {
      number: string;
      status: string;
    }[];
    expect(list.map((a) => [a.number, a.status])).toEqual([
      [alice.keyid, 'open'],
      [bob.keyid, 'open'],
    ]);
    const found = JSON.parse((await cli('accounts', 'search', '447911', '--json')).stdout) as { number: string }[];
    expect(found.map((a) => a.number)).toEqual([bob.keyid]);
  });

  test('grant: the same --grant-id twice gives once; show --api reflects it', async () => {
    const first = await cli('accounts', 'grant', alice.keyid, '--amount', '2.50', '--currency', 'EUR', '--grant-id', 'welcome-back');
    expect([first.status, first.stdout]).toEqual([0, `granted 2.50 EUR to ${alice.keyid} (grant welcome-back)\n`]);
    const again = await cli('accounts', 'grant', alice.keyid, '--amount', '2.50', '--currency', 'EUR', '--grant-id', 'welcome-back');
    expect(again.stdout).toBe('grant welcome-back was already given; nothing changed\n');
    await waitFor(
      async () => JSON.parse((await cli('accounts', 'show', alice.keyid, '--json')).stdout || '{}').granted === '2.5',
      10_000,
      'the grant in the balance',
    );
  });

  test('suspend, reinstate and close change the account; each is one line', async () => {
    expect((await cli('accounts', 'suspend', bob.keyid, '--reason', 'chargeback review')).stdout).toBe(`${bob.keyid}: suspended\n`);
    expect((await cli('accounts', 'reinstate', bob.keyid)).stdout).toBe(`${bob.keyid}: open\n`);
    expect((await cli('accounts', 'close', bob.keyid)).stdout).toBe(`${bob.keyid}: closed\n`);
    await waitFor(
      async () => (await cli('accounts', 'list', '--status', 'closed', '--json')).stdout.includes(bob.keyid),
      10_000,
      'the closed account listed',
    );
  });

  test('limits sets one account’s call limits, `default` gives the provider’s back; a bad limit is one line', async () => {
    expect((await cli('accounts', 'limits', alice.keyid, '--concurrent', '2', '--per-minute', 'default')).stdout).toBe(
      `${alice.keyid}: at most 2 calls at once, default a minute\n`,
    );
    const shown = JSON.parse(
      (await cli('accounts', 'limits', alice.keyid, '--concurrent', '2', '--per-minute', '30', '--json')).stdout,
    ) as {
      callLimits: unknown;
    };
    expect(shown.callLimits).toEqual({ maxConcurrentCalls: 2, maxCallsPerMinute: 30 });
    const bad = await runCliAsync([
      '--data-dir',
      join(dir, 'cli'),
      'accounts',
      'limits',
      alice.keyid,
      '--concurrent',
      '0',
      '--per-minute',
      '5',
    ]);
    expect([bad.status, bad.stderr]).toEqual([1, 'trunkline: --concurrent must be a whole number from 1 to 100000, or default\n']);
  });

  test('spend-caps sets what one account may be charged, default gives the provider’s back; a bad amount is one line', async () => {
    expect((await cli('accounts', 'spend-caps', bob.keyid, '--per-day', '2.50', '--per-month', 'default')).stdout).toBe(
      `${bob.keyid}: at most 2.50 EUR a day, the provider’s cap a month\n`,
    );
    const shown = JSON.parse(
      (await cli('accounts', 'spend-caps', bob.keyid, '--per-day', 'default', '--per-month', '40', '--json')).stdout,
    );
    expect(shown).toMatchObject({ number: bob.keyid, spendCaps: { perDay: null, perMonth: '40' } });
    const bad = await runCliAsync([
      '--data-dir',
      join(dir, 'cli'),
      'accounts',
      'spend-caps',
      bob.keyid,
      '--per-day',
      '1e9',
      '--per-month',
      'default',
    ]);
    expect([bad.status, bad.stderr]).toEqual([
      1,
      'trunkline: --per-day must be a decimal such as 5.00 (at most 12 digits, 6 decimals), or default\n',
    ]);
  });

  test('risk-classes allows one account destination risk classes, none blocks them again; an unknown class is one line', async () => {
    expect((await cli('accounts', 'risk-classes', alice.keyid, '--allow', 'satellite,premium-rate')).stdout).toBe(
      `${alice.keyid}: risk classes allowed: premium-rate, satellite\n`,
    );
    expect((await cli('accounts', 'risk-classes', alice.keyid, '--allow', 'none')).stdout).toBe(
      `${alice.keyid}: risk classes allowed: none\n`,
    );
    const bad = await runCliAsync(['--data-dir', join(dir, 'cli'), 'accounts', 'risk-classes', alice.keyid, '--allow', 'casino']);
    expect([bad.status, bad.stderr]).toEqual([
      1,
      'trunkline: --allow: no risk class casino (known: premium-rate, shared-cost, satellite, high-cost, or none)\n',
    ]);
  });

  test('refusals are one line and exit 1: the wrong role, a foreign key, no engine, a bad number', async () => {
    const finance = await cli('accounts', 'suspend', alice.keyid, '--key', viewer.file);
    expect([finance.status, finance.stderr]).toEqual([
      1,
      expect.stringMatching(/^trunkline: POST \/v1\/accounts\/%2B442079460958\/suspend: 403 [^\n]+\n$/),
    ]);
    const stranger = operatorKey(dir, 'stranger');
    const foreign = await cli('accounts', 'list', '--key', stranger.file);
    expect([foreign.status, foreign.stderr]).toEqual([
      1,
      expect.stringMatching(/^trunkline: no operator in the configuration has the key in --key [^\n]+\n$/),
    ]);
    const down = await runCliAsync(['--data-dir', join(dir, 'cli'), 'accounts', 'list', '--api', 'http://127.0.0.1:9']);
    expect([down.status, down.stderr]).toEqual([
      1,
      expect.stringMatching(/^trunkline: cannot reach the engine at http:\/\/127\.0\.0\.1:9 [^\n]+\n$/),
    ]);
    const bad = await cli('accounts', 'suspend', '12');
    expect([bad.status, bad.stderr.split('\n').length]).toEqual([1, 2]);
    const list = JSON.parse((await cli('accounts', 'list', '--json')).stdout) as { number: string; status: string }[];
    expect(list.find((a) => a.number === alice.keyid)!.status).toBe('open');
  });
});
