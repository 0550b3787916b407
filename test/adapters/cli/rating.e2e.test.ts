import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Decimal } from '../../../core/money';
import { BIN, childEnv, runCli } from '../../support/cli';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'rating');

describe('trunkline rating commands', () => {
  let dir: string;
  const cli = (...args: string[]) => runCli(['--data-dir', dir, ...args]);
  const lastLine = (text: string) => text.trim().split('\n').pop();
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'trunkline-rating-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('carriers add refuses a bad trunk in one line, then registers a good one', () => {
    const bad = cli('carriers', 'add', 'alpha', '--name', 'Alpha', '--currency', 'EUR', '--trunk', 'sbc:99999');
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toBe('trunkline: not a trunk (host[:port][/udp|tcp|tls]): "sbc:99999"');
    const good = cli(
      'carriers',
      'add',
      'alpha',
      '--name',
      'Alpha',
      '--currency',
      'EUR',
      '--trunk',
      '127.0.0.1:5080/udp',
      '--username',
      'u',
      '--password',
      'secret',
    );
    expect(good.stdout.trim()).toBe('carrier alpha registered, no serving engine is running: the next one to start loads it');
    expect(cli('carriers', 'add', 'beta', '--name', 'Beta', '--currency', 'EUR', '--preference', '5').status).toBe(0);
  });

  test('a deck with bad rows lists them and imports nothing', () => {
    const r = cli('carriers', 'import-deck', 'alpha', join(FIXTURES, 'decks', 'bad.csv'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('bad.csv:3: prefix: not a dial code of 1 to 20 digits: "4a4"');
    expect(lastLine(r.stderr)).toBe('trunkline: 7 bad rows of 8; nothing imported (fix them, or pass --skip-bad-rows)');
    expect(JSON.parse(cli('carriers', 'list', '--format', 'json').stdout)).toEqual([
      expect.objectContaining({ carrier: 'alpha', deckVersion: 0, rows: 0 }),
      expect.objectContaining({ carrier: 'beta', deckVersion: 0 }),
    ]);
  });

  test('decks import with progress, and LCR orders the carriers with their trunks and no secrets', () => {
    const a = cli('carriers', 'import-deck', 'alpha', join(FIXTURES, 'decks', 'alpha-v1.csv'));
    expect(a.stdout).toMatch(
      /^alpha: deck version 1 published, 4 rows, 4 prefixes in [\d.]+ s \(\d+ rows\/s\), no serving engine is running: the next one to start loads it$/m,
    );
    expect(a.stderr).toMatch(/read \[#+\] 100%/);
    cli('carriers', 'import-deck', 'beta', join(FIXTURES, 'decks', 'beta.csv'));
    const r = cli('rates', 'lcr', '--destination', '+447911123456', '--json', '--allow-negative-margin');
    expect(r.status).toBe(0);
    const lcr = JSON.parse(r.stdout) as { routes: { carrier: string; prefix: string; cost: string; trunks: unknown[] }[] };
    expect(lcr.routes.map((x) => [x.carrier, x.prefix, x.cost])).toEqual([
      ['beta', '447', '0.02'],
      ['alpha', '4479', '0.05'],
    ]);
    expect(lcr.routes[1]!.trunks).toEqual([{ host: '127.0.0.1', port: 5080, transport: 'udp', techPrefix: '', channels: 0 }]);
    expect(r.stdout).not.toContain('secret');
  });

  test('the LCR table shows amounts to the precision of the prices; --json keeps them exact', () => {
    const exact = JSON.parse(
      cli('rates', 'lcr', '--destination', '+447911123456', '--duration', '37s', '--json', '--allow-negative-margin').stdout,
    ) as {
      routes: { carrier: string; cost: string; ratePerMinute: string }[];
    };
    const table = cli('rates', 'lcr', '--destination', '+447911123456', '--duration', '37s', '--allow-negative-margin').stdout;
    for (const route of exact.routes) {
      const places = Math.max(2, route.ratePerMinute.split('.')[1]?.length ?? 0);
      const shown = new Decimal(route.cost).toDecimalPlaces(places, Decimal.ROUND_HALF_EVEN).toFixed(places);
      expect(table).toMatch(
        new RegExp(`^\\d+\\s+${route.carrier}\\s+\\d+\\s+${route.ratePerMinute}\\s+${shown.replace('.', '\\.')}(\\s|$)`, 'm'),
      );
    }
    // no amount in the table runs to the 40 digits of an exact cost
    expect(table).not.toMatch(/\d\.\d{12,}/);
  });

  test('a reader that stops early ends the command quietly', () => {
    const r = spawnSync(
      'bash',
      [
        '-c',
        `set -o pipefail; "${process.execPath}" "${BIN}" --data-dir "${dir}" rates lcr --destination +447911123456 --allow-negative-margin | true`,
      ],
      {
        env: childEnv({}),
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  test('carriers list says which carriers carry calls and which texts', () => {
    const rows = JSON.parse(cli('carriers', 'list', '--format', 'json').stdout) as { carrier: string; service: string }[];
    expect(rows.map((r) => [r.carrier, r.service])).toEqual([
      ['alpha', 'voice'],
      ['beta', 'voice'],
    ]);
    expect(cli('carriers', 'list').stdout.split('\n')[0]).toMatch(/\bservice\b/);
  });

  test('a CGRateS plan imports, quotes as JSON with a decimal string, and refuses what it does not rate', () => {
    expect(cli('tariffs', 'import', join(FIXTURES, 'cgrates'), '--format', 'cgrates', '--currency', 'EUR').stdout).toMatch(
      /^RP_RETAIL: version 1 published, 3 destinations$/m,
    );
    const q = cli(
      'rates',
      'quote',
      '--plan',
      'RP_RETAIL',
      '--destination',
      '+442079460958',
      '--start',
      '2026-11-23T07:59:00Z',
      '--duration',
      '1m60s',
      '--json',
    );
    expect(JSON.parse(q.stdout)).toMatchObject({ cost: '0.23', connectFee: '0.05', destination: { id: 'DST_UK', prefix: '44' } });
    const text = cli(
      'rates',
      'quote',
      '--plan',
      'RP_RETAIL',
      '--destination',
      '+442079460958',
      '--start',
      '2026-11-23T07:59:00Z',
      '--duration',
      '120',
    );
    expect(lastLine(text.stdout)).toBe('cost 0.23 EUR');
    for (const [args, message] of [
      [['--destination', '+12025550143', '--duration', '60'], 'trunkline: rating plan RP_RETAIL does not rate +12025550143'],
      [['--destination', '+442079460958', '--duration', 'soon'], 'trunkline: not a duration: "soon" (write it like 60s, 1m30s or 1h)'],
      [
        ['--destination', 'call mum', '--duration', '60'],
        'trunkline: not a phone number: "call mum" (contains characters a phone number cannot have)',
      ],
    ] as const) {
      const r = cli('rates', 'quote', '--plan', 'RP_RETAIL', ...args);
      expect([r.status, r.stderr.trim()]).toEqual([1, message]);
    }
  });
});
