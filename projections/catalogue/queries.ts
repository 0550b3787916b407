import type { ReadModelStore } from '../../application/ports/read-model-store';

export interface StreamEntry {
  stream: string;
  events: number;
  lastVersion: number;
  lastPosition: number;
  firstRecordedAt: string;
  lastRecordedAt: string;
}

export async function listStreams(
  rm: ReadModelStore,
  options: { prefix?: string; limit?: number; after?: string } = {},
): Promise<StreamEntry[]> {
  const rows = await rm.query<Record<string, string | number>>(
    `SELECT * FROM catalogue_streams WHERE stream > ? AND stream LIKE ? ORDER BY stream LIMIT ?`,
    [options.after ?? '', `${(options.prefix ?? '').replace(/[%_]/g, '')}%`, options.limit ?? 100],
  );
  return rows.map((r) => ({
    stream: String(r['stream']),
    events: Number(r['events']),
    lastVersion: Number(r['last_version']),
    lastPosition: Number(r['last_position']),
    firstRecordedAt: String(r['first_recorded_at']),
    lastRecordedAt: String(r['last_recorded_at']),
  }));
}

export async function countsByType(rm: ReadModelStore): Promise<{ type: string; events: number }[]> {
  const rows = await rm.query<{ type: string; events: number | string }>('SELECT type, events FROM catalogue_types ORDER BY type');
  return rows.map((r) => ({ type: r.type, events: Number(r.events) }));
}
