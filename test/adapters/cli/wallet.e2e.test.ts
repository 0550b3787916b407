import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteEventStore } from '../../../adapters/event-store/sqlite';
import { walletService } from '../../../application/wallet/service';
import { accountIdOf, accountStream } from '../../../core/accounts/account';
import { systemClock } from '../../../core/clock';
import { uuidv7Generator } from '../../../core/ids';
import { opened } from '../../core/wallet/given';
import { runCli } from '../../support/cli';

const oneLine = (s: string) => s.trim().split('\n').at(-1)!;

describe('trunkline vouchers and accounts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-cli-wallet-'));
  const data = join(dir, 'data');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('vouchers issue writes the codes once as CSV (owner-only file); list counts them; bad input is one line and writes nothing', () => {
    const out = join(dir, 'batch.csv');
    const r = runCli([
      '--data-dir',
      data,
      'vouchers',
      'issue',
      '--count',
      '25',
      '--amount',
      '4.99',
      '--currency',
      'EUR',
      '--out',
      out,
      '--note',
      'shop',
    ]);
    expect([r.status, r.stderr]).toEqual([0, expect.stringMatching(/^issued 25 codes of 4.99 EUR in batch [0-9a-f-]{36} to /)]);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(26);
    expect(new Set(lines.slice(1).map((l) => l.split(',')[0])).size).toBe(25);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    for (const bad of [
      ['--count', '0', '--amount', '5', '--currency', 'EUR'],
      ['--count', '1', '--amount', '5.001', '--currency', 'EUR'],
      ['--count', '1', '--amount', '5', '--currency', 'EUR', '--expires', 'tomorrow'],
      ['--count', '1', '--amount', '5', '--currency', 'EUR', '--funding', 'free'],
    ]) {
      const f = runCli(['--data-dir', data, 'vouchers', 'issue', ...bad]);
      expect([f.status, f.stderr.trim().split('\n')]).toEqual([1, [expect.stringMatching(/^(trunkline: |error: )/)]]);
    }
    const list = runCli(['--data-dir', data, 'vouchers', 'list', '--format', 'json']);
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({ issued: 25, redeemed: 0, outstanding: 25, amount: '4.99', note: 'shop' }),
    ]);
  });

  test('accounts show prints the balance, grants and ledger; an unknown number is one line and exit 1', async () => {
    const store = sqliteEventStore({ path: join(data, 'events.sqlite') });
    const number = '+442079460958';
    try {
      await store.append(
        accountStream(number),
        [{ ...opened[0]!, id: uuidv7Generator(systemClock).next(), schemaVersion: 1, metadata: {} }],
        'no-stream',
      );
      const wallet = walletService({ store, ids: uuidv7Generator(systemClock), clock: systemClock });
      await wallet.execute(
        number,
        {
          type: 'grant',
          data: { grantId: 'g', amount: '0.75', currency: 'EUR', reason: 'trial', source: 't', expiresAt: null, restriction: null },
        },
        't',
      );
      await wallet.execute(
        number,
        {
          type: 'record-purchase',
          data: { processor: 'stripe', paymentId: 'pi_1', processorEventId: 'evt_1', amount: '10', currency: 'EUR' },
        },
        't',
      );
    } finally {
      await store.close();
    }
    const json = runCli(['--data-dir', data, 'accounts', 'show', number, '--json']);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      number,
      accountId: accountIdOf(number),
      paid: '10',
      granted: '0.75',
      available: '10.75',
      ledger: [
        { type: 'CreditPurchased', balance: '10.75' },
        { type: 'CreditGranted', balance: '0.75' },
      ],
    });
    const text = runCli(['--data-dir', data, 'accounts', 'show', '020 7946 0958']);
    expect([text.status, text.stdout]).toEqual([1, '']);
    const table = runCli(['--data-dir', data, 'accounts', 'show', number]);
    expect(table.stdout).toMatch(/available\s+10\.75/);
    expect(table.stdout).toMatch(/CreditPurchased\s+10\s+10\.75\s+pi_1/);
    const unknown = runCli(['--data-dir', data, 'accounts', 'show', '+447911123456']);
    expect([unknown.status, oneLine(unknown.stderr)]).toEqual([1, 'trunkline: no account is open for +447911123456']);
  });
});
