import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../support/cli';
import { testEngine, type TestEngine } from '../../support/test-engine';

/**
 * The SDK as a user installs it: built, packed with npm, unpacked into an app's node_modules with
 * only its declared dependencies beside it, and driven by the example its README shows.
 */
describe('@trunkline/client as a published package', () => {
  let dir: string;
  let app: string;
  let t: TestEngine;
  const number = '+442079460958';
  const pair = generateKeyPairSync('ed25519');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trunkline-sdk-'));
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-client.js')], { stdio: 'ignore', timeout: 120_000 });
    execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], {
      cwd: join(ROOT, 'adapters', 'client'),
      stdio: 'ignore',
      timeout: 60_000,
    });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
    app = join(dir, 'app');
    const pkg = join(app, 'node_modules', '@trunkline', 'client');
    mkdirSync(pkg, { recursive: true });
    execFileSync('tar', ['-xzf', join(dir, tarball), '-C', pkg, '--strip-components=1']);
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const dep of Object.keys(manifest.dependencies)) symlinkSync(join(ROOT, 'node_modules', dep), join(app, 'node_modules', dep));
    t = await testEngine({ numbers: [{ keyid: number, ...pair }], config: { sipSecrets: ['sip-secret-0123456789abcdef'] } });
    await t.engine.runner.start();
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('holds only its build, its README and its manifest', () => {
    const files = execFileSync('find', ['.', '-type', 'f'], { cwd: join(app, 'node_modules', '@trunkline', 'client'), encoding: 'utf8' })
      .trim()
      .split('\n')
      .sort();
    expect(files).toEqual(['./README.md', './dist/index.d.ts', './dist/index.js', './package.json']);
  });

  test('the README example runs against an engine with a PEM key', async () => {
    const readme = readFileSync(join(ROOT, 'adapters', 'client', 'README.md'), 'utf8');
    writeFileSync(join(app, 'example.js'), /```js\n([\s\S]*?)```/.exec(readme)![1]!);
    const keyFile = join(dir, 'alice.pem');
    writeFileSync(keyFile, pair.privateKey.export({ format: 'pem', type: 'pkcs8' }));
    const env = { TRUNKLINE_API: t.base, TRUNKLINE_NUMBER: number, TRUNKLINE_KEY_FILE: keyFile };
    const run = () => runNode(join(app, 'example.js'), app, env);
    const r = await run();
    expect([r.status, r.stderr]).toEqual([0, '']);
    const raw = pair.publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64');
    expect(r.stdout).toBe(
      [
        `directory key: ${raw}`,
        'provider: Trunkline provider',
        `account: ${number} open`,
        `sip user: ${r.stdout.match(/sip user: (\S+)/)![1]} registrars: 1`,
        'balance: 0 EUR',
        'calls: 0 more: false',
        'refused: 400 invalid-number',
        '',
      ].join('\n'),
    );
  });

  test('its types are enough for a TypeScript app, and a raw base64 seed is a key too', async () => {
    writeFileSync(
      join(app, 'app.ts'),
      `import { trunklineClient, type CallRecord, type Page } from '@trunkline/client';
const client = trunklineClient({ baseUrl: process.env['TRUNKLINE_API']!, keyid: process.env['TRUNKLINE_NUMBER']!, privateKey: process.env['TRUNKLINE_SEED']! });
async function main(): Promise<void> {
  const page: Page<CallRecord> = await client.calls({ outcome: 'answered' });
  const balance = await client.balance();
  console.log(balance.number, page.items.length);
}
void main();
`,
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'commonjs',
          target: 'ES2022',
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules', '@types')],
          skipLibCheck: false,
          noEmit: false,
          outDir: 'out',
        },
      }),
    );
    const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', app], { encoding: 'utf8', timeout: 60_000 });
    expect([tsc.status, tsc.stdout]).toEqual([0, '']);
    const seed = pair.privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(16).toString('base64');
    const r = await runNode(join(app, 'out', 'app.js'), app, { TRUNKLINE_API: t.base, TRUNKLINE_NUMBER: number, TRUNKLINE_SEED: seed });
    expect([r.status, r.stdout, r.stderr]).toEqual([0, `${number} 0\n`, '']);
  });
});

/** A node process of the app, not blocking this one (which serves the engine it talks to). */
function runNode(file: string, cwd: string, env: Record<string, string>) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [file], { cwd, env: { PATH: process.env['PATH'] ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
