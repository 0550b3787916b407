import { Client } from 'pg';
import { randomBytes } from 'node:crypto';

/**
 * `describe` for suites that need PostgreSQL. Without a server they skip with a loud message;
 * with CI=true they fail, because CI installs PostgreSQL and a skip there would hide a broken bed.
 */
export function describePostgres(name: string, body: (newDatabase: () => Promise<string>) => void): void {
  const url = process.env['TRUNKLINE_TEST_PG_URL'];
  if (!url) {
    const why = process.env['TRUNKLINE_TEST_PG_MISSING'] ?? 'no PostgreSQL test cluster';
    if (process.env['CI'] === 'true') {
      describe(name, () => {
        test('PostgreSQL is available (required under CI=true)', () => {
          throw new Error(`${why}: scripts/install-test-deps.sh should have installed it`);
        });
      });
      return;
    }
    console.warn(`\n*** SKIPPED ${name}: ${why}. Run scripts/install-test-deps.sh to run it. ***\n`);
    // Skipped on purpose: no PostgreSQL on this machine and not under CI (see the warning above).
    describe.skip(name, () => body(async () => '')); // reason: PostgreSQL binaries missing outside CI
    return;
  }
  describe(name, () => body(() => createDatabase(url)));
}

/** A fresh, empty database in the shared test cluster; its URL. */
export async function createDatabase(url: string): Promise<string> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
