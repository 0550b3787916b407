import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const MODULE = join(__dirname, '..', '..', '..', 'adapters', 'runtime', 'worker-young-generation.ts');
const MiB = 1024 * 1024;

/** The size of the young generation's space (both semi-spaces) of a process started with 16 MiB semi-spaces and of a worker it starts. */
function youngGenerations(callFirst: boolean): { main: number; worker: number } {
  const script = `
    const { Worker } = require('node:worker_threads');
    const v8 = require('node:v8');
    const newSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
    ${callFirst ? `require(${JSON.stringify(MODULE)}).workersGrowTheirYoungGeneration();` : ''}
    const w = new Worker(
      "const v8 = require('node:v8'); require('node:worker_threads').parentPort.postMessage(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);",
      { eval: true },
    );
    w.once('message', (worker) => {
      // the serving thread allocates after the call as before it
      let garbage = [];
      for (let i = 0; i < 1e6; i++) { garbage.push({ i }); if (garbage.length > 1000) garbage = []; }
      console.log(JSON.stringify({ main: newSpace(), worker }));
    });
  `;
  const r = spawnSync(
    process.execPath,
    ['--min-semi-space-size=16', '--max-semi-space-size=16', '-r', require.resolve('tsx/cjs'), '-e', script],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (r.status !== 0) throw new Error(`node exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as { main: number; worker: number };
}

describe('the young generation of worker threads', () => {
  it('follows the command line in every thread by default', () => {
    const { main, worker } = youngGenerations(false);
    expect(main).toBe(32 * MiB);
    expect(worker).toBeGreaterThanOrEqual(16 * MiB);
  });

  it('starts small in workers started after the call, and stays fixed in the thread that made it', () => {
    const { main, worker } = youngGenerations(true);
    expect(main).toBe(32 * MiB);
    expect(worker).toBeLessThanOrEqual(4 * MiB);
  });
});
