import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { readLines } from '../../../adapters/csv/read-lines';
import { readCsv } from '../../../adapters/csv/read-csv';
import { seeded } from '../../support/random';

const dir = mkdtempSync(join(tmpdir(), 'trunkline-lines-'));

function file(content: string | Buffer): string {
  const path = join(dir, `f-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(path, content);
  return path;
}

async function lines(path: string, chunkBytes?: number): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of readLines(path, chunkBytes)) out.push(...chunk);
  return out;
}

/** What readline, the reader decks were read with before, makes of the file. */
async function readlineLines(path: string): Promise<string[]> {
  const out: string[] = [];
  for await (const l of createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity })) out.push(l);
  return out;
}

describe('readLines', () => {
  test.each([
    ['\\n', 'a\nb\nc\n'],
    ['\\r\\n', 'a\r\nb\r\nc\r\n'],
    ['a lone \\r', 'a\rb\rc'],
    ['no line end at the end', 'a\nb\nc'],
    ['blank lines', '\n\na\n\n\nb\n'],
    ['mixed ends', 'a\r\n\rb\n\r\nc\r'],
    ['an empty file', ''],
  ])('splits lines as readline does: %s', async (_, content) => {
    const path = file(content);
    expect(await lines(path)).toEqual(await readlineLines(path));
    for (const size of [1, 2, 3, 5]) expect(await lines(path, size)).toEqual(await readlineLines(path));
  });

  test('a \\r\\n and a multi-byte character cut by a chunk boundary are read whole', async () => {
    const rnd = seeded(7);
    const pieces = ['é', '€', '𝄞', '\r\n', '\n', '\r', 'x', ',', '"'];
    for (let round = 0; round < 20; round++) {
      const content = Array.from({ length: 200 }, () => rnd.pick(pieces)).join('');
      const path = file(content);
      const expected = await readlineLines(path);
      for (const size of [1, 2, 3, 4, 7, 64]) expect(await lines(path, size)).toEqual(expected);
    }
  });

  test('CSV records keep the line numbers an editor shows, past blank and comment lines and a BOM', async () => {
    const path = file(Buffer.from('\uFEFFprefix,rate\r\n\r\n# note\r\n44,0.01\r\n"45,0.02\r\n46 , 0.03', 'utf8'));
    const records = [];
    for await (const r of readCsv(path)) records.push(r);
    expect(records).toEqual([
      { line: 1, fields: ['prefix', 'rate'] },
      { line: 4, fields: ['44', '0.01'] },
      { line: 5, error: 'unterminated quoted field' },
      { line: 6, fields: ['46', '0.03'] },
    ]);
  });
});
