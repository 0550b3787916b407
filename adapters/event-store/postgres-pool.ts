import pg from 'pg';
import { EventStoreUnavailableError } from '../../core/event-store';

/** A pool that has proven it can reach the server; an unreachable one is one clear error. */
export async function connectPool(url: string, max: number): Promise<pg.Pool> {
  let target: string;
  try {
    const u = new URL(url);
    target = `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    throw new EventStoreUnavailableError(`not a PostgreSQL URL: ${JSON.stringify(url)}`);
  }
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5000 });
  pool.on('error', () => {
    // an idle client lost its server; the next query reconnects or fails with its own error
  });
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new EventStoreUnavailableError(
      `cannot reach PostgreSQL at ${target}: ${(error as Error).message || (error as { code?: string }).code}`,
    );
  }
  return pool;
}
