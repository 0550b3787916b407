import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../../adapters/runtime/config';
import { watchConfigFile } from '../../../adapters/runtime/config-watch';
import { waitFor } from '../../support/wait';

describe('an edit to the configuration file of a running engine', () => {
  test('is named, with what waits for a restart and what changes live instead', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trunkline-config-watch-'));
    const file = join(dir, 'trunkline.json');
    writeFileSync(file, JSON.stringify({ callGrantSeconds: 3600 }));
    const reload = () => loadConfig({ env: {}, flags: { dataDir: dir }, cwd: dir });
    const lines: { msg: string; keys?: string[] }[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l) as { msg: string }) });
    const pending: number[] = [];
    const stop = watchConfigFile({ file, running: reload(), reload, logger, onPending: (k) => pending.push(k.length), intervalMs: 50 });
    try {
      // mtime has a coarse grain on some file systems: a size change is seen whatever it is
      writeFileSync(file, JSON.stringify({ callGrantSeconds: 600, blockedPrefixes: ['1900'] }));
      await waitFor(() => lines.length > 0, 5_000, 'the watch to report');
      expect(lines[0]!.keys).toEqual(['blockedPrefixes', 'callGrantSeconds']);
      expect(lines[0]!.msg).toMatch(/take effect only at a restart/);
      expect(lines[0]!.msg).toMatch(/blockedPrefixes: trunkline settings blocked-prefixes/);
      expect(pending.at(-1)).toBe(2);
      // back as it started: nothing waits any more
      writeFileSync(file, JSON.stringify({ callGrantSeconds: 3600 }));
      await waitFor(() => pending.at(-1) === 0, 5_000, 'the watch to clear');
      writeFileSync(file, '{ not json');
      await waitFor(() => lines.some((l) => /not valid; running on, unchanged/.test(l.msg)), 5_000, 'the invalid edit');
    } finally {
      stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
