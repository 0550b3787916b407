import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { findPostgresBin, startPostgresCluster, type PostgresCluster } from './postgres-cluster';

declare global {
  var __TRUNKLINE_PG__: PostgresCluster | undefined;
}

/**
 * The suites that start `bin/trunkline.js` test the compiled build that production runs: it is
 * brought up to date once here (nothing to do when no source changed since the last build).
 */
function buildDist(): void {
  const built = spawnSync(process.execPath, [join(__dirname, '..', '..', 'scripts', 'build.js')], { stdio: 'inherit', timeout: 300_000 });
  if (built.status !== 0) throw new Error(`npm run build failed (exit ${built.status ?? built.signal}): the suites would run an old dist/`);
}

/**
 * One private PostgreSQL cluster for the whole run; each suite makes its own database in it.
 * When the binaries are missing the suites decide: skip loudly, or fail under CI=true.
 */
export default async function setup(): Promise<void> {
  buildDist();
  if (process.env['TRUNKLINE_TEST_PG_URL']) return;
  if (!findPostgresBin()) {
    process.env['TRUNKLINE_TEST_PG_MISSING'] = 'PostgreSQL server binaries not found under /usr/lib/postgresql';
    return;
  }
  const cluster = await startPostgresCluster();
  globalThis.__TRUNKLINE_PG__ = cluster;
  process.env['TRUNKLINE_TEST_PG_URL'] = cluster.url;
}
