import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../support/cli';

describe('trunkline vouchers issue: amounts bounded per currency', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-cli-limits-'));
  const data = join(dir, 'data');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('past the limit (default or configured) is one line, exit 1, and no batch', () => {
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'trunkline.json'), JSON.stringify({ amountLimits: { USD: { maximum: '50' } } }));
    const issue = (amount: string, currency: string) =>
      runCli(['--data-dir', data, 'vouchers', 'issue', '--count', '1', '--amount', amount, '--currency', currency]);
    for (const [amount, currency, line] of [
      [`9${'9'.repeat(59)}`, 'EUR', /^trunkline: 9{60} EUR is more than the largest accepted amount, 1000000000 EUR$/],
      ['60', 'USD', /^trunkline: 60 USD is more than the largest accepted amount, 50 USD$/],
    ] as const) {
      const r = issue(amount, currency);
      expect([r.status, r.stderr.trim().split('\n')]).toEqual([1, [expect.stringMatching(line)]]);
    }
    expect(JSON.parse(runCli(['--data-dir', data, 'vouchers', 'list', '--format', 'json']).stdout)).toEqual([]);
    expect(issue('50', 'USD').status).toBe(0);
  });

  test('a limit that names no currency is a configuration error', () => {
    writeFileSync(join(data, 'trunkline.json'), JSON.stringify({ amountLimits: { XXY: { maximum: '50' } } }));
    const r = runCli(['--data-dir', data, 'vouchers', 'list']);
    expect([r.status, r.stderr.trim().split('\n')]).toEqual([1, [expect.stringMatching(/amountLimits.*ISO 4217/)]]);
  });
});
