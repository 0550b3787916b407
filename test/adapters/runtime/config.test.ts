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
    [{ TRUNKLINE_WEBSOCKET_URIS: 'wss://ok.example:8443,http://sip.example' }, /webSocketUris.1 must be a wss:\/\/ URL/],
    // plain WebSocket is refused for clients: the descriptor only ever hands out encrypted transports
    [{ TRUNKLINE_WEBSOCKET_URIS: 'ws://sip.example:8088' }, /webSocketUris.0 must be a wss:\/\/ URL/],
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

  test('registrars: sips: URIs only, as clients reach the provider over TLS only', () => {
    const file = join(cwd, 'registrars.json');
    const load = (registrars: string[]) => {
      writeFileSync(file, JSON.stringify({ registrars }));
      return loadConfig({ env: { TRUNKLINE_CONFIG: file }, cwd });
    };
    expect(load(['sips:sip.provider.example']).registrars).toEqual(['sips:sip.provider.example']);
    expect(() => load(['sip:sip.provider.example;transport=udp'])).toThrow(/registrars.0 must be a sips: URI/);
    expect(() => load(['sips:sip.provider.example;transport=udp'])).toThrow(/registrars.0 must be a sips: URI/);
  });

  test('emergency numbers: countries as ISO codes, short codes of digits; a prototype key is no country', () => {
    const file = join(cwd, 'emergency.json');
    const load = (emergencyNumbers: unknown) => {
      writeFileSync(
        file,
        `{"emergencyNumbers": ${typeof emergencyNumbers === 'string' ? emergencyNumbers : JSON.stringify(emergencyNumbers)}}`,
      );
      return loadConfig({ env: { TRUNKLINE_CONFIG: file, TRUNKLINE_EMERGENCY_CARRIER: 'rescue' }, cwd });
    };
    expect(load({ GB: ['999'], FR: [] })).toMatchObject({ emergencyNumbers: { GB: ['999'], FR: [] }, emergencyCarrier: 'rescue' });
    expect(() => load({ gb: ['999'] })).toThrow(/emergencyNumbers.gb Invalid key/);
    expect(() => load({ GB: ['+44999'] })).toThrow(/short codes/);
    // dropped as it is read: no country, and the table keeps its prototype-free shape
    expect(Object.keys(load('{"__proto__": ["112"]}').emergencyNumbers)).toEqual([]);
  });
});
