#!/usr/bin/env node
/* global __dirname */
'use strict';
// Builds the publishable SDK in adapters/client/dist: one CommonJS bundle of the client and the
// engine code it shares (request signing), and one .d.ts with every type it names inlined, so the
// package needs nothing from the engine's tree. `npm pack` in adapters/client then makes the tarball.
const { execFileSync } = require('node:child_process');
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { generateDtsBundle } = require('dts-bundle-generator');
const { join } = require('node:path');
const esbuild = require('esbuild');

const ROOT = join(__dirname, '..');
const CLIENT = join(ROOT, 'adapters', 'client');
const pkg = require(join(CLIENT, 'package.json'));

rmSync(join(CLIENT, 'dist'), { recursive: true, force: true });
esbuild.buildSync({
  entryPoints: [join(CLIENT, 'index.ts')],
  outfile: join(CLIENT, 'dist', 'index.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // its dependencies stay dependencies; anything else it reached would be a layering mistake
  external: Object.keys(pkg.dependencies),
  logLevel: 'warning',
});
// declarations of the client and what it reaches, then one file of them with the types inlined
const declarations = mkdtempSync(join(tmpdir(), 'trunkline-client-types-'));
try {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(CLIENT, 'tsconfig.json'), '--outDir', declarations], {
    stdio: 'inherit',
  });
  const [types] = generateDtsBundle(
    [
      {
        filePath: join(declarations, 'adapters', 'client', 'index.d.ts'),
        output: { exportReferencedTypes: false, noBanner: true },
        noCheck: true,
      },
    ],
    { preferredConfigPath: join(CLIENT, 'tsconfig.json') },
  );
  writeFileSync(join(CLIENT, 'dist', 'index.d.ts'), types);
} finally {
  rmSync(declarations, { recursive: true, force: true });
}
process.stdout.write(`built ${pkg.name}@${pkg.version} in adapters/client/dist\n`);
