#!/usr/bin/env node
'use strict';
// Runs the TypeScript sources directly (tsx compiles on load), so `npx trunkline` works right
// after `npm install`, with no build step.
require('tsx/cjs');
require('../adapters/cli/main.ts');
