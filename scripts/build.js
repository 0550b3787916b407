#!/usr/bin/env node
/* global __dirname */
'use strict';
// Compiles the engine to dist/ with tsc and copies beside the JavaScript every other file the
// code reads at run time (dashboard assets, the sip.js caller, the Kamailio template), so dist/
// runs on its own. An up-to-date build returns at once: `npm start` and the test setup call
// this every time. `--force` builds whatever the stamp says.
const { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = join(__dirname, '..');
const DIST = join(ROOT, 'dist');
/** Written only after a build that compiled without errors and copied its assets. */
const STAMP = join(DIST, '.built');
const SOURCE_DIRS = ['types', 'core', 'application', 'adapters', 'plugins', 'projections'];
const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'scripts/build.js'];

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    // a package's own build output (adapters/client/dist) is not the engine's
    if (entry.isDirectory()) {
      if (entry.name !== 'dist' && entry.name !== 'node_modules') yield* files(path);
    } else if (entry.isFile()) yield path;
  }
}

function sources() {
  const all = CONFIG_FILES.map((f) => join(ROOT, f));
  for (const dir of SOURCE_DIRS) all.push(...files(join(ROOT, dir)));
  return all;
}

function upToDate() {
  if (!existsSync(STAMP)) return false;
  const built = statSync(STAMP).mtimeMs;
  return sources().every((file) => statSync(file).mtimeMs <= built);
}

function tscPath() {
  try {
    return require.resolve('typescript/bin/tsc', { paths: [ROOT] });
  } catch {
    return null;
  }
}

function build() {
  const tsc = tscPath();
  if (!tsc) {
    // an install without dev dependencies: bin/trunkline.js runs the sources through tsx
    process.stderr.write('build: typescript is not installed; trunkline will run from source\n');
    return 0;
  }
  const compiled = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (compiled.status !== 0) return compiled.status ?? 1;
  for (const dir of SOURCE_DIRS)
    for (const file of files(join(ROOT, dir))) {
      if (file.endsWith('.ts')) continue;
      const target = join(DIST, relative(ROOT, file));
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(file, target);
    }
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  return 0;
}

if (!process.argv.includes('--force') && upToDate()) process.exit(0);
process.exit(build());
