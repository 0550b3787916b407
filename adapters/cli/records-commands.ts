import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { Command, Option } from 'commander';
import type { z } from 'zod';
import type { ReadModelStore } from '../../application/ports/read-model-store';
import { csvHeader, csvLines } from '../../application/reports/csv';
import { callRows, textRows, type FlatRow } from '../../application/reports/record-rows';
import { countCallRecords, eachCallRecord, operatorView, type CallFilter } from '../../projections/records/call-queries';
import { callFilter, textFilter } from '../../projections/records/filters';
import { countTextRecords, eachTextRecord, operatorTextView, type TextFilter } from '../../projections/records/text-queries';
import type { Projector } from '../runtime/engine';
import { progressBar } from './progress';
import { table } from './table';

type WithProjector = <T>(fn: (engine: Projector) => Promise<T>) => Promise<T>;

/** How one kind of record is read, counted and flattened. */
interface Kind<F> {
  readonly projection: string;
  readonly unit: string;
  readonly filter: z.ZodType<F, unknown>;
  count(rm: ReadModelStore, f: F): Promise<number>;
  chunks(rm: ReadModelStore, f: F): AsyncGenerator<object[]>;
  flat(items: readonly object[]): FlatRow[];
  /** The columns a table on a terminal shows (exports have them all). */
  readonly brief: readonly string[];
}

const toCallFilter = (f: z.infer<typeof callFilter>): CallFilter => ({ ...f, ...(f.account ? { number: f.account } : {}) });
const toTextFilter = (f: z.infer<typeof textFilter>): TextFilter => ({ ...f, ...(f.account ? { number: f.account } : {}) });

const CALLS: Kind<CallFilter> = {
  projection: 'call-records',
  unit: 'calls',
  filter: callFilter.transform(toCallFilter),
  count: countCallRecords,
  async *chunks(rm, f) {
    for await (const rows of eachCallRecord(rm, f)) yield rows.map(operatorView);
  },
  flat: callRows,
  brief: [
    'callId',
    'caller',
    'callee',
    'authorizedAt',
    'durationSeconds',
    'billedSeconds',
    'price',
    'currency',
    'carrier',
    'carrierCost',
    'outcome',
  ],
};

const TEXTS: Kind<TextFilter> = {
  projection: 'sms',
  unit: 'texts',
  filter: textFilter.transform(toTextFilter),
  count: countTextRecords,
  async *chunks(rm, f) {
    for await (const chunk of eachTextRecord(rm, f)) yield chunk.map((c) => operatorTextView(c.row, c.history));
  },
  flat: textRows,
  brief: ['smsId', 'from', 'to', 'createdAt', 'segments', 'price', 'currency', 'gateway', 'status'],
};

/** Writes and waits while the destination's buffer is full, so an export of millions holds one chunk at a time. */
async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', resolve));
}

async function exportAll<F>(engine: Projector, kind: Kind<F>, filter: F, format: 'csv' | 'jsonl', file: string | undefined) {
  await engine.runner.catchUp(kind.projection);
  const total = await kind.count(engine.readModels, filter);
  const out: Writable = file ? createWriteStream(file) : process.stdout;
  const progress = progressBar(`exporting ${kind.unit}`, kind.unit);
  let done = 0;
  let columns: string[] | null = null;
  for await (const items of kind.chunks(engine.readModels, filter)) {
    if (format === 'jsonl') await write(out, items.map((i) => JSON.stringify(i)).join('\n') + '\n');
    else {
      const rows = kind.flat(items);
      if (!columns) {
        columns = Object.keys(rows[0]!);
        await write(out, csvHeader(columns));
      }
      await write(out, csvLines(rows, columns));
    }
    done += items.length;
    progress.update(done, total);
  }
  progress.finish(done);
  if (file)
    await new Promise<void>((resolve, reject) =>
      (out as ReturnType<typeof createWriteStream>).end((e?: Error | null) => (e ? reject(e) : resolve())),
    );
}

async function listSome<F>(engine: Projector, kind: Kind<F>, filter: F, limit: number, format: string) {
  await engine.runner.catchUp(kind.projection);
  const items: object[] = [];
  for await (const chunk of kind.chunks(engine.readModels, filter)) {
    items.push(...chunk);
    if (items.length >= limit) break;
  }
  const shown = items.slice(0, limit);
  if (format === 'json') return void process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
  if (format === 'jsonl') return void process.stdout.write(shown.map((i) => `${JSON.stringify(i)}\n`).join(''));
  const rows = kind.flat(shown);
  if (format === 'csv')
    return void process.stdout.write(csvHeader(Object.keys(rows[0] ?? {})) + csvLines(rows, Object.keys(rows[0] ?? {})));
  process.stdout.write(table(rows.map((r) => Object.fromEntries(kind.brief.map((c) => [c, r[c] ?? null])))));
}

function addKind<F>(program: Command, name: string, kind: Kind<F>, withProjector: WithProjector, extra: (c: Command) => Command) {
  const group = program.command(name).description(`${kind.unit} records from the read models, oldest first`);
  const filters = (c: Command) =>
    extra(c)
      .option('--account <number>', 'one account’s (E.164)')
      .option('--since <instant>', 'from this ISO-8601 instant on')
      .option('--until <instant>', 'before this ISO-8601 instant')
      .option('--prefix <digits>', 'to numbers starting with these digits');
  filters(group.command('list').description(`the first ${kind.unit} that match (a table, or --format)`))
    .addOption(new Option('--format <format>', 'output').choices(['table', 'csv', 'json', 'jsonl']).default('table'))
    .option('--limit <n>', 'at most this many', '50')
    .action(async (o: Record<string, string | undefined> & { format: string; limit: string }) => {
      const { format, limit, ...rest } = o;
      const n = Number(limit);
      if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new Error('--limit must be a whole number from 1 to 100000');
      const filter = kind.filter.parse(rest);
      await withProjector((engine) => listSome(engine, kind, filter, n, format));
    });
  filters(group.command('export').description(`every matching ${kind.unit.slice(0, -1)}, streamed, with progress on stderr`))
    .addOption(new Option('--format <format>', 'output').choices(['csv', 'jsonl']).default('csv'))
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (o: Record<string, string | undefined> & { format: 'csv' | 'jsonl'; out?: string }) => {
      const { format, out, ...rest } = o;
      const filter = kind.filter.parse(rest);
      await withProjector((engine) => exportAll(engine, kind, filter, format, out));
    });
}

/** `trunkline calls list|export` and `trunkline texts list|export`. */
export function addRecordsCommands(program: Command, withProjector: WithProjector): void {
  addKind(program, 'calls', CALLS, withProjector, (c) =>
    c.option('--outcome <outcome>', 'open, answered, failed, no-cdr or received').option('--carrier <id>', 'carried by this carrier'),
  );
  addKind(program, 'texts', TEXTS, withProjector, (c) =>
    c
      .option('--status <status>', 'accepted, submitted, delivered, failed or refunded')
      .option('--gateway <id>', 'sent through this gateway'),
  );
}
