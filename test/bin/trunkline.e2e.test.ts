import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { BIN, ROOT, childEnv } from '../support/cli';

const SOURCE_DIRS = ['types', 'core', 'adapters', 'plugins', 'projections'];
const dir = mkdtempSync(join(tmpdir(), 'trunkline-bin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Preloaded into the child: on exit it says whether tsx was ever loaded into the process. */
const probe = join(dir, 'tsx-probe.js');
writeFileSync(
  probe,
  `process.on('exit', () => process.stderr.write('tsx-loaded=' + Object.keys(require.cache).some((k) => k.includes('/node_modules/tsx/')) + '\\n'));`,
);

function run(bin: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['-r', probe, bin, ...args], { env: childEnv(env), encoding: 'utf8', timeout: 60_000 });
}

function* files(path: string): Generator<string> {
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    // the SDK package's build output (adapters/client/dist) is not an asset of the engine
    if (entry.isDirectory()) {
      if (entry.name !== 'dist') yield* files(join(path, entry.name));
    } else yield join(path, entry.name);
  }
}

describe('bin/trunkline.js', () => {
  test('runs the compiled build, without loading tsx', () => {
    const r = run(BIN, ['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: trunkline');
    expect(r.stderr).toBe('tsx-loaded=false\n');
  });

  test('the build puts beside the JavaScript every other file the code reads at run time', () => {
    const assets = SOURCE_DIRS.flatMap((d) => [...files(join(ROOT, d))]).filter((f) => !f.endsWith('.ts'));
    expect(assets.map((f) => relative(ROOT, f))).toEqual(expect.arrayContaining(['adapters/sip/sipjs/call.mjs']));
    for (const file of assets) expect(readFileSync(join(ROOT, 'dist', relative(ROOT, file)), 'utf8')).toBe(readFileSync(file, 'utf8'));
  });

  test('loads a TypeScript plugin with tsx, only then', () => {
    const plugin = join(dir, 'typed-plugin.ts');
    writeFileSync(
      plugin,
      `const name: string = 'typed';\nexport default { name, register(): void { process.stderr.write('typed plugin registered\\n'); } };\n`,
    );
    const r = run(BIN, ['projections', 'status'], { TRUNKLINE_DATA_DIR: join(dir, 'data'), TRUNKLINE_PLUGINS: plugin });
    expect(r.stderr).toContain('typed plugin registered');
    expect(r.stderr).toContain('tsx-loaded=true');
    expect(r.status).toBe(0);
  });

  test('without a build it runs the sources through tsx and says how to start fast', () => {
    const unbuilt = join(dir, 'unbuilt');
    mkdirSync(join(unbuilt, 'bin'), { recursive: true });
    copyFileSync(BIN, join(unbuilt, 'bin', 'trunkline.js'));
    for (const d of [...SOURCE_DIRS, 'node_modules']) symlinkSync(join(ROOT, d), join(unbuilt, d));
    const r = run(join(unbuilt, 'bin', 'trunkline.js'), ['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: trunkline');
    expect(r.stderr).toBe('trunkline: running from source: npm run build for a fast start\ntsx-loaded=true\n');
  });

  test('a rebuild runs in a process of its own with a large young generation and a slow-growing old one, and leaves with its exit code', () => {
    const flags = join(dir, 'flags-probe.js');
    writeFileSync(
      flags,
      `process.on('exit', () => process.stderr.write('flags=' + process.execArgv.filter((a) => /^--(max-semi|heap-growing)/.test(a)).join(' ') + '\\n'));`,
    );
    const env = { TRUNKLINE_DATA_DIR: join(dir, 'rebuilt') };
    const r = spawnSync(process.execPath, ['-r', flags, BIN, 'projections', 'rebuild'], {
      env: childEnv(env),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stdout).toContain('balances: rebuilt to position');
    // the rebuilding child, then the command that started it
    expect(r.stderr.split('\n').filter((l) => l.startsWith('flags='))).toEqual([
      'flags=--max-semi-space-size=64 --heap-growing-percent=50',
      'flags=',
    ]);
    expect(r.status).toBe(0);
    const failed = spawnSync(process.execPath, [BIN, 'projections', 'rebuild', 'no-such-projection'], {
      env: childEnv(env),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(failed.stderr).toMatch(/no-such-projection/);
    expect(failed.status).not.toBe(0);
    // an option's value that reads `projections` does not hide the command after it
    const named = spawnSync(process.execPath, ['-r', flags, BIN, '--data-dir', 'projections', 'projections', 'rebuild'], {
      env: childEnv({}),
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(named.stderr.split('\n').filter((l) => l.startsWith('flags='))).toEqual([
      'flags=--max-semi-space-size=64 --heap-growing-percent=50',
      'flags=',
    ]);
    expect(named.status).toBe(0);
  });
});
