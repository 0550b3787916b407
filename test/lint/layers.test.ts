import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../support/cli';

/** `npm run lint` on one file given on stdin, as if it stood at `path`: the rule ids it reports. */
function lint(path: string, source: string): string[] {
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--stdin', '--stdin-filename', path, '--format', 'json'],
    { cwd: ROOT, input: source, encoding: 'utf8', timeout: 60_000 },
  );
  const [report] = JSON.parse(r.stdout) as { messages: { ruleId: string | null; message: string }[] }[];
  return report!.messages.map((m) => m.ruleId ?? m.message);
}

describe('the layers, as lint enforces them', () => {
  test('the core may not import an adapter, a projection or a plugin', () => {
    expect(lint('core/rating/example.ts', "export { sqliteEventStore } from '../../adapters/event-store/sqlite';\n")).toContain(
      'no-restricted-imports',
    );
    expect(lint('core/rating/example.ts', "export { ratesLookup } from '../../projections/rates/lookup';\n")).toContain(
      'no-restricted-imports',
    );
    expect(lint('core/rating/example.ts', "export { markupPolicy } from '../../plugins/pricing/markup';\n")).toContain(
      'no-restricted-imports',
    );
  });

  test('a projection may not import an adapter or a plugin', () => {
    expect(lint('projections/rates/example.ts', "export { table } from '../../adapters/cli/table';\n")).toContain('no-restricted-imports');
    expect(lint('projections/rates/example.ts', "export { markupPolicy } from '../../plugins/pricing/markup';\n")).toContain(
      'no-restricted-imports',
    );
  });

  test('imports along the layers pass', () => {
    expect(lint('core/rating/example.ts', "export { Decimal } from '../money';\n")).toEqual([]);
    expect(lint('projections/rates/example.ts', "export { compileDeck } from '../../core/rating/deck';\n")).toEqual([]);
  });
});
