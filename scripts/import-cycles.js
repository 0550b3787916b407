#!/usr/bin/env node
/* global __dirname */
// Finds circles of imports among the source folders, type-only imports included (import-x/no-cycle
// skips those, yet a type circle still ties two modules into one). Exit 1 and one line per circle.
const { readdirSync, readFileSync, statSync, existsSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');
const ts = require('typescript');

const SOURCE = ['core', 'application', 'adapters', 'projections', 'plugins'];
const EXTENSIONS = ['', '.ts', '.d.ts', '/index.ts'];

function sourceFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import of `file` (static, dynamic, require, type-only) that names a file of the tree. */
function importsOf(file, files) {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .filter((i) => i.fileName.startsWith('.'))
    .map((i) => EXTENSIONS.map((ext) => join(dirname(file), i.fileName) + ext).find((p) => files.has(p)))
    .filter((p) => p !== undefined);
}

/** Strongly connected components (Tarjan) of more than one file, or a file importing itself. */
function circles(graph) {
  let next = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

function importCircles(root) {
  const files = SOURCE.flatMap((dir) => sourceFiles(join(root, dir)));
  const set = new Set(files);
  const graph = new Map(files.map((f) => [f, importsOf(f, set)]));
  return circles(graph).map((c) => c.map((f) => relative(root, f)));
}

module.exports = { circles, importCircles };

if (require.main === module) {
  const found = importCircles(process.argv[2] ?? join(__dirname, '..'));
  for (const c of found) console.error(`import circle: ${c.join(' -> ')}`);
  process.exit(found.length > 0 ? 1 : 0);
}
