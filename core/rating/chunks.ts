/** Splits a list into chunks of at most `size`, for events that must stay small enough to read. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Rows per staged event: ~100 bytes a row keeps each event near half a megabyte. */
export const ROWS_PER_CHUNK = 5000;
