import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/** The engine's own modules (paths from the repository root) and the packages a fresh process has loaded after requiring `module`. */
function loadedBy(module: string): { files: string[]; packages: string[] } {
  const script = `require(${JSON.stringify(join(ROOT, module))}); console.log(JSON.stringify(Object.keys(require.cache)));`;
  const r = spawnSync(process.execPath, ['-r', require.resolve('tsx/cjs'), '-e', script], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`node exited ${r.status}: ${r.stderr}`);
  const paths = JSON.parse(r.stdout) as string[];
  return {
    files: paths.filter((p) => !p.includes('node_modules')).map((p) => p.slice(ROOT.length + 1)),
    packages: [...new Set(paths.map((p) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(p)?.[1]).filter((p): p is string => !!p))],
  };
}

describe('what the projection thread loads', () => {
  it('loads the projector without the services, the HTTP app or the optional drivers', () => {
    // the thread's entry point; outside a worker it only loads its imports
    const { files, packages } = loadedBy('adapters/runtime/projection-thread-main.ts');
    // it is the projector: the runner and the projections are there
    expect(files).toContain('projections/runner.ts');
    expect(files).toContain('projections/balances/projection.ts');
    const services = files.filter(
      (f) => /^application\/(rating|accounts|wallet|calls|sms)\/service\.ts$/.test(f) || f.startsWith('adapters/http/'),
    );
    expect(services).toEqual([]);
    const heavy = packages.filter((p) =>
      ['express', 'prom-client', 'pg', '@eventstore/db-client', 'stripe', 'smpp', 'sip.js', 'inversify'].includes(p),
    );
    expect(heavy).toEqual([]);
  });

  it('is a part of what the engine loads, so the engine still holds the services', () => {
    const { files } = loadedBy('adapters/runtime/engine.ts');
    expect(files).toContain('adapters/runtime/projector.ts');
    expect(files).toContain('application/rating/service.ts');
  });
});
