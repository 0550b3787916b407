import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configTable } from '../adapters/runtime/config-reference';

/** Rewrites the README's configuration table from the schema (`npm run docs:config`; prettier aligns it after). */
const README = join(__dirname, '..', 'README.md');
const BEGIN = '<!-- config-table -->';
const END = '<!-- /config-table -->';
const text = readFileSync(README, 'utf8');
const from = text.indexOf(BEGIN);
const to = text.indexOf(END);
if (from < 0 || to < from) throw new Error(`README.md has no ${BEGIN} … ${END} section`);
writeFileSync(README, `${text.slice(0, from + BEGIN.length)}\n\n${configTable()}\n\n${text.slice(to)}`);
