import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import pino from 'pino';
import { loadConfig } from '../../adapters/runtime/config';
import { createEngine } from '../../adapters/runtime/engine';
import { join } from 'node:path';
import { parse } from 'yaml';

describe('docs/openapi.yaml', () => {
  const doc = parse(readFileSync(join(__dirname, '..', '..', 'docs', 'openapi.yaml'), 'utf8')) as {
    openapi: string;
    paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  };

  test('is OpenAPI 3.1 and documents exactly the routes the engine serves', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const dir = mkdtempSync(join(tmpdir(), 'trunkline-openapi-'));
    const engine = await createEngine(loadConfig({ env: { TRUNKLINE_STORE: 'memory' }, flags: { dataDir: dir }, cwd: dir }), {
      logger: pino({ level: 'silent' }),
    });
    try {
      const documented = Object.entries(doc.paths)
        .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
        .filter((r) => !r.includes('/v1/examples/')) // the example plugin is not loaded by default
        .sort();
      expect(documented).toEqual([...engine.app.routes]);
      for (const route of documented) {
        const [method, path] = route.split(' ') as [string, string];
        expect([route, Object.keys(doc.paths[path]![method.toLowerCase()]!.responses).length > 0]).toEqual([route, true]);
      }
    } finally {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('every $ref points at a component that exists', () => {
    const text = JSON.stringify(doc);
    const components = doc as unknown as { components: Record<string, Record<string, unknown>> };
    for (const [, kind, name] of text.matchAll(/"#\/components\/(\w+)\/(\w+)"/g)) {
      expect([kind, name, Boolean(components.components[kind!]?.[name!])]).toEqual([kind, name, true]);
    }
  });
});
