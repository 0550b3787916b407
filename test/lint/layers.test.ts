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

  test('a use case may not import an adapter, a projection or a plugin', () => {
    expect(lint('application/calls/example.ts', "export { problem } from '../../adapters/http/problem';\n")).toContain(
      'import-x/no-restricted-paths',
    );
    expect(lint('application/calls/example.ts', "export { ratesLookup } from '../../projections/rates/lookup';\n")).toContain(
      'import-x/no-restricted-paths',
    );
    expect(lint('application/calls/example.ts', "export { markupPolicy } from '../../plugins/pricing/markup';\n")).toContain(
      'import-x/no-restricted-paths',
    );
  });

  test('a use case does no I/O and takes framework types only as types', () => {
    expect(lint('application/calls/example.ts', "export { readFileSync } from 'node:fs';\n")).toContain(
      '@typescript-eslint/no-restricted-imports',
    );
    expect(lint('application/calls/example.ts', "import express from 'express';\nexport const app = express();\n")).toContain(
      '@typescript-eslint/no-restricted-imports',
    );
    expect(lint('application/calls/example.ts', "import type { Router } from 'express';\nexport type R = Router;\n")).toEqual([]);
  });

  test('only the composition root loads plugins', () => {
    expect(lint('adapters/http/routers/example.ts', "export { markupPolicy } from '../../../plugins/pricing/markup';\n")).toContain(
      'import-x/no-restricted-paths',
    );
    expect(lint('adapters/runtime/example.ts', "export { markupPolicy } from '../../plugins/pricing/markup';\n")).toEqual([]);
  });

  test('a function over 80 lines or a file over 300 is refused in the core, the application and the projections', () => {
    const longFunction = `export function long(): number {\n  let n = 0;\n${'  n += 1;\n'.repeat(85)}  return n;\n}\n`;
    expect(lint('core/rating/example.ts', longFunction)).toContain('max-lines-per-function');
    const longFile = Array.from({ length: 310 }, (_, i) => `export const v${i} = ${i};\n`).join('');
    expect(lint('projections/rates/example.ts', longFile)).toContain('max-lines');
    expect(lint('adapters/cli/example.ts', longFunction)).not.toContain('max-lines-per-function');
  });

  test('imports along the layers pass', () => {
    expect(lint('core/rating/example.ts', "export { Decimal } from '../money';\n")).toEqual([]);
    expect(lint('projections/rates/example.ts', "export { compileDeck } from '../../core/rating/deck';\n")).toEqual([]);
    expect(
      lint('projections/rates/example.ts', "export type { ReadModelStore } from '../../application/ports/read-model-store';\n"),
    ).toEqual([]);
    expect(lint('application/calls/example.ts', "export { Decimal } from '../../core/money';\n")).toEqual([]);
  });
});
