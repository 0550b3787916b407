import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_REFERENCE } from '../../adapters/runtime/config';
import { configTable } from '../../adapters/runtime/config-reference';

/** A markdown table as rows of trimmed cells, so prettier's alignment does not matter. */
const cells = (table: string) =>
  table
    .trim()
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );

describe('the README configuration table', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('<!-- config-table -->'), readme.indexOf('<!-- /config-table -->'));

  test('is what the schema generates (npm run docs:config rewrites it)', () => {
    expect(cells(section)).toEqual(cells(configTable()));
  });

  test('has a row for every setting the schema accepts, and every environment variable', () => {
    const keys = cells(section)
      .slice(1)
      .map((row) => row[0]);
    expect(keys).toEqual(CONFIG_REFERENCE.keys.map((k) => `\`${k}\``));
    for (const name of [...Object.keys(CONFIG_REFERENCE.env), ...Object.keys(CONFIG_REFERENCE.listEnv)])
      expect(section).toContain(`\`${name}\``);
  });
});
