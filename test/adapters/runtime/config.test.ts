import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../adapters/runtime/config';

const cwd = mkdtempSync(join(tmpdir(), 'trunkline-config-'));

describe('configuration', () => {
  test('defaults give the embedded engine on SQLite under ./data', () => {
    const c = loadConfig({ env: {}, cwd });
    expect(c).toMatchObject({
      dataDir: join(cwd, 'data'),
      port: 8080,
      host: '127.0.0.1',
      store: 'sqlite',
      readModels: 'sqlite',
      plugins: [],
    });
  });

  test('environment beats the file, flags beat the environment', () => {
    const file = join(cwd, 'a.json');
    writeFileSync(file, JSON.stringify({ port: 9000, logLevel: 'debug', plugins: ['./plugins/x', { module: 'pkg', options: { a: 1 } }] }));
    const c = loadConfig({ env: { PORT: '9100', TRUNKLINE_CONFIG: file }, flags: { dataDir: '/srv/tl' }, cwd });
    expect(c.port).toBe(9100);
    expect(c.logLevel).toBe('debug');
    expect(c.dataDir).toBe('/srv/tl');
    expect(c.plugins).toEqual([
      { module: join(cwd, 'plugins/x'), options: {} },
      { module: 'pkg', options: { a: 1 } },
    ]);
  });

  test('postgres store implies postgres read models', () => {
    const c = loadConfig({ env: { TRUNKLINE_STORE: 'postgres', TRUNKLINE_POSTGRES_URL: 'postgres://u@127.0.0.1/db' }, cwd });
    expect(c.readModels).toBe('postgres');
  });

  test.each([
    [{ PORT: 'abc' }, /port must be a number \(got "abc"\) \[PORT\]/],
    [{ PORT: '70000' }, /port .*65535/],
    [{ TRUNKLINE_STORE: 'mysql' }, /store .*sqlite.*postgres/],
    [{ TRUNKLINE_STORE: 'postgres' }, /postgresUrl is required/],
    [{ TRUNKLINE_STORE: 'eventstoredb' }, /eventStoreDbUrl is required/],
    [{ TRUNKLINE_POSTGRES_URL: 'mysql://x' }, /postgresUrl must be a postgres:\/\/ URL/],
    [{ TRUNKLINE_CONFIG: '/nonexistent/trunkline.json' }, /does not exist/],
    [{ TRUNKLINE_WEBSOCKET_URIS: 'wss://ok.example:8443,http://sip.example' }, /webSocketUris.1 must be a ws:\/\/ or wss:\/\/ URL/],
    [{ TRUNKLINE_WEBHOOK_RETRY_MAX_SECONDS: '0' }, /webhookRetryMaxSeconds/],
  ])('refuses %j with one line naming it', (env, message) => {
    expect(() => loadConfig({ env, cwd })).toThrow(message);
  });

  test('refuses a file that is not JSON or has unknown settings', () => {
    const bad = join(cwd, 'bad.json');
    writeFileSync(bad, '{ port: 1 ');
    expect(() => loadConfig({ env: { TRUNKLINE_CONFIG: bad }, cwd })).toThrow(/bad.json: .*JSON/);
    writeFileSync(bad, JSON.stringify({ prot: 1 }));
    expect(() => loadConfig({ env: { TRUNKLINE_CONFIG: bad }, cwd })).toThrow(/unknown setting prot/);
  });
});
