import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from '../support/cli';

const SCRIPT = join(ROOT, 'scripts', 'import-cycles.js');
const { circles } = require(SCRIPT) as { circles(graph: ReadonlyMap<string, readonly string[]>): string[][] };

/** The check `npm run lint` runs, on the tree at `root`. */
function check(root: string) {
  return spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8', timeout: 60_000 });
}

describe('import circles, type-only imports included', () => {
  test('the finder finds a circle and passes a line', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(circles(graph)).toEqual([['a', 'b', 'c']]);
    expect(
      circles(
        new Map([
          ['a', ['b']],
          ['b', []],
        ]),
      ),
    ).toEqual([]);
  });

  test('the source tree has none', () => {
    const r = check(ROOT);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  test('a circle made of type imports fails the check with the files it ties', () => {
    const root = mkdtempSync(join(tmpdir(), 'trunkline-cycles-'));
    try {
      const write = (path: string, text: string) => {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
      };
      write('application/ports/plugin-api.ts', "import type { RatingService } from '../rating/service';\nexport type P = RatingService;\n");
      write('application/rating/service.ts', "import type { P } from '../ports/plugin-api';\nexport type RatingService = { p?: P };\n");
      write('core/money.ts', 'export const one = 1;\n');
      const r = check(root);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe('import circle: application/ports/plugin-api.ts -> application/rating/service.ts\n');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
