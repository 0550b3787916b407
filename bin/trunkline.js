#!/usr/bin/env node
/* global __dirname, __filename */
'use strict';
// Runs the compiled engine from dist/ (`npm run build`; `npm install` and `npm start` build it)
// and, when there is none or TRUNKLINE_FROM_SOURCE=1, the TypeScript sources through tsx, which
// compiles on every start and so takes seconds.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

// A rebuild holds a batch of events and what the projections make of it while it allocates
// fast; with Node's default young generation every scavenge copies that batch, and the garbage
// collector takes a fifth of the rebuild. 64 MiB semi-spaces cut it to a third of that. What a
// batch leaves behind is garbage by the next one (what a rebuild keeps alive does not grow with
// the log), yet V8 lets the old generation grow to up to 4 times what survived its last full
// collection, and the peak RSS climbed with the length of the log. A growth of half keeps the
// peak flat at no measurable cost in speed (docs/benchmarks.md, the rebuild section). V8 reads
// both only at start-up (NODE_OPTIONS does not carry them either), so the command starts itself
// again with them, passing signals on and leaving with its exit.
const SEMI_SPACE = '--max-semi-space-size';
const REBUILD_FLAGS = [`${SEMI_SPACE}=64`, '--heap-growing-percent=50'];
const args = process.argv.slice(2);
// any adjacent pair: an option's value may itself read `projections` (`--data-dir projections`)
const rebuild = args.some((a, i) => a === 'projections' && args[i + 1] === 'rebuild');
if (rebuild && !process.execArgv.some((a) => a.startsWith(SEMI_SPACE))) {
  const { spawn } = require('node:child_process');
  const child = spawn(process.execPath, [...REBUILD_FLAGS, ...process.execArgv, __filename, ...args], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
  return;
}

const compiled = join(__dirname, '..', 'dist', 'adapters', 'cli', 'main.js');
if (process.env.TRUNKLINE_FROM_SOURCE !== '1' && existsSync(compiled)) {
  require(compiled);
} else {
  if (process.env.TRUNKLINE_FROM_SOURCE !== '1') process.stderr.write('trunkline: running from source: npm run build for a fast start\n');
  require('tsx/cjs');
  require('../adapters/cli/main.ts');
}
