import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { callsEngine } from '../../support/calls-engine';
import { runCli } from '../../support/cli';
import { signer } from '../../support/signed-fetch';

const UK = '+442079460000';

describe('trunkline calls list|export', () => {
  const alice = signer('+442079460958');
  const bob = signer('+447911123456');
  let dir: string;

  beforeAll(async () => {
    const bed = await callsEngine({ people: [alice, bob], keepData: true });
    dir = bed.dir;
    try {
      await bed.fund(alice.keyid, '10');
      await bed.fund(bob.keyid, '10');
      for (const [who, id, seconds] of [
        [alice, 'a-1', 125.25],
        [bob, 'b-1', 10],
        [alice, 'a-2', 61],
      ] as const) {
        expect((await bed.hook('authorize', { call_id: id, caller: who.keyid, callee: UK })).status).toBe(200);
        const cdr = { call_id: id, caller: who.keyid, disposition: 'ANSWERED', answer_ts: 1_796_000_000, end_ts: 1_796_000_000 + seconds };
        expect((await bed.hook('cdr', cdr)).status).toBe(200);
      }
    } finally {
      // the CLI catches the projection up from the log itself
      await bed.close();
    }
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('list: a table for people, JSON for programs, oldest first, filtered by account', () => {
    const table = runCli(['--data-dir', dir, 'calls', 'list']);
    expect([table.status, table.stderr]).toEqual([0, '']);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^callId\s+caller\s+callee\s+authorizedAt\s+durationSeconds\s+billedSeconds\s+price/);
    expect(lines.slice(2).map((l) => l.split(/\s+/)[0])).toEqual(['a-1', 'b-1', 'a-2']);
    const json = runCli(['--data-dir', dir, 'calls', 'list', '--account', alice.keyid, '--format', 'json']);
    const calls = JSON.parse(json.stdout) as { callId: string; billedSeconds: number; price: string; carrierCost: string }[];
    expect(calls.map((c) => [c.callId, c.billedSeconds, c.price, c.carrierCost])).toEqual([
      ['a-1', 180, '0.045', '0.03'],
      ['a-2', 120, '0.03', '0.02'],
    ]);
  });

  test('export: CSV or JSON lines to stdout or a file, progress on stderr', () => {
    const csv = runCli(['--data-dir', dir, 'calls', 'export']);
    expect(csv.status).toBe(0);
    const [header, ...rows] = csv.stdout.trim().split('\n');
    expect(header).toMatch(/^callId,caller,callee,route,authorizedAt,/);
    expect(header).toContain('carrierCost');
    expect(rows).toHaveLength(3);
    expect(csv.stderr).toMatch(/exporting calls .* 3\/3 calls/);
    const file = join(dir, 'calls.jsonl');
    const jsonl = runCli(['--data-dir', dir, 'calls', 'export', '--format', 'jsonl', '--out', file, '--account', bob.keyid]);
    expect([jsonl.status, jsonl.stdout]).toEqual([0, '']);
    const exported = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { callId: string; durationSeconds: number });
    expect(exported.map((c) => [c.callId, c.durationSeconds])).toEqual([['b-1', 10]]);
  });

  test('bad filters: one line on stderr, exit 1', () => {
    for (const args of [
      ['--since', 'yesterday'],
      ['--account', '12'],
      ['--prefix', '4%'],
      ['--outcome', 'won'],
    ]) {
      const r = runCli(['--data-dir', dir, 'calls', 'export', ...args]);
      expect([r.status, r.stdout, r.stderr.trim().split('\n')]).toEqual([1, '', [expect.stringMatching(/^trunkline: /)]]);
    }
    const r = runCli(['--data-dir', dir, 'calls', 'list', '--limit', '0']);
    expect([r.status, r.stderr]).toEqual([1, 'trunkline: --limit must be a whole number from 1 to 100000\n']);
  });
});
