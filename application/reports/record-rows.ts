/** Flat rows of call and text records, for CSV (the API's `text/csv` pages and the CLI's exports). */
export type FlatRow = Record<string, string | number | null>;

/** A call's fields are all flat already: each record is its row. */
export function callRows(items: readonly object[]): FlatRow[] {
  return items as FlatRow[];
}

/** A text's history, the one nested field, becomes its JSON (free-text reasons can hold any separator). */
export function textRows(items: readonly object[]): FlatRow[] {
  return items.map((item) => {
    const { history, ...rest } = item as FlatRow & { history: unknown };
    return { ...rest, history: JSON.stringify(history) };
  });
}
