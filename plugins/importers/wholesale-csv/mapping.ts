import { readFileSync } from 'node:fs';
import { z } from 'zod';

const columnRef = z.union([z.string().min(1), z.number().int().min(1)]);

export const mappingSchema = z
  .object({
    delimiter: z.string().length(1).default(','),
    /** The first record names the columns. */
    header: z.boolean().default(true),
    columns: z
      .object({
        prefix: columnRef,
        destination: columnRef.optional(),
        rate: columnRef,
        initial: columnRef.optional(),
        subsequent: columnRef.optional(),
        connectFee: columnRef.optional(),
        minimum: columnRef.optional(),
        effectiveFrom: columnRef.optional(),
        effectiveTo: columnRef.optional(),
        currency: columnRef.optional(),
      })
      .strict(),
    /** What the rate column prices: a minute (usual) or a second. */
    ratePer: z.enum(['minute', 'second']).default('minute'),
    /** Values for unmapped or empty cells. */
    defaults: z
      .object({
        initial: z.number().int().min(1).default(60),
        subsequent: z.number().int().min(1).default(60),
        connectFee: z.string().default('0'),
        minimum: z.number().int().min(0).default(0),
      })
      .strict()
      .default({ initial: 60, subsequent: 60, connectFee: '0', minimum: 0 }),
  })
  .strict();

export type Mapping = z.infer<typeof mappingSchema>;
export type Column = keyof Mapping['columns'];

/** The plain deck: `prefix,destination,rate,initial,subsequent,connect_fee,effective_from` with a header. */
export const BUILTIN_MAPPING: Mapping = mappingSchema.parse({
  columns: {
    prefix: 'prefix',
    destination: 'destination',
    rate: 'rate',
    initial: 'initial',
    subsequent: 'subsequent',
    connectFee: 'connect_fee',
    effectiveFrom: 'effective_from',
  },
});

export class MappingError extends Error {
  override readonly name = 'MappingError';
}

export function loadMapping(file: string): Mapping {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new MappingError(`mapping ${file}: ${(error as Error).message}`);
  }
  const parsed = mappingSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MappingError(`mapping ${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** Resolves each mapped column to a 0-based field index, by header name or 1-based number. */
export function columnIndexes(mapping: Mapping, header: readonly string[] | null): Map<Column, number> {
  const out = new Map<Column, number>();
  const names = header?.map((h) => h.trim().toLowerCase());
  for (const [column, ref] of Object.entries(mapping.columns) as [Column, string | number | undefined][]) {
    if (ref === undefined) continue;
    if (typeof ref === 'number') out.set(column, ref - 1);
    else {
      if (!names) throw new MappingError(`column ${column} is mapped by name (${ref}) but the mapping says the file has no header`);
      const i = names.indexOf(ref.toLowerCase());
      if (i === -1)
        throw new MappingError(`the header has no column ${JSON.stringify(ref)} (for ${column}); it has: ${header!.join(', ')}`);
      out.set(column, i);
    }
  }
  return out;
}
