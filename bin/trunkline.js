#!/usr/bin/env node
/* global __dirname */
'use strict';
// Runs the compiled engine from dist/ (`npm run build`; `npm install` and `npm start` build it)
// and, when there is none or TRUNKLINE_FROM_SOURCE=1, the TypeScript sources through tsx, which
// compiles on every start and so takes seconds.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const compiled = join(__dirname, '..', 'dist', 'adapters', 'cli', 'main.js');
if (process.env.TRUNKLINE_FROM_SOURCE !== '1' && existsSync(compiled)) {
  require(compiled);
} else {
  if (process.env.TRUNKLINE_FROM_SOURCE !== '1') process.stderr.write('trunkline: running from source: npm run build for a fast start\n');
  require('tsx/cjs');
  require('../adapters/cli/main.ts');
}
