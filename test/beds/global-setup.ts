import { findPostgresBin, startPostgresCluster, type PostgresCluster } from './postgres-cluster';

declare global {
  var __TRUNKLINE_PG__: PostgresCluster | undefined;
}

/**
 * One private PostgreSQL cluster for the whole run; each suite makes its own database in it.
 * When the binaries are missing the suites decide: skip loudly, or fail under CI=true.
 */
export default async function setup(): Promise<void> {
  if (process.env['TRUNKLINE_TEST_PG_URL']) return;
  if (!findPostgresBin()) {
    process.env['TRUNKLINE_TEST_PG_MISSING'] = 'PostgreSQL server binaries not found under /usr/lib/postgresql';
    return;
  }
  const cluster = await startPostgresCluster();
  globalThis.__TRUNKLINE_PG__ = cluster;
  process.env['TRUNKLINE_TEST_PG_URL'] = cluster.url;
}
