import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

describe('docs/openapi.yaml', () => {
  const doc = parse(readFileSync(join(__dirname, '..', '..', 'docs', 'openapi.yaml'), 'utf8')) as {
    openapi: string;
    paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  };

  test('is OpenAPI 3.1 and documents every route the engine serves', () => {
    expect(doc.openapi).toBe('3.1.0');
    const served = [
      'GET /healthz',
      'GET /.well-known/trunkline',
      'GET /readyz',
      'GET /metrics',
      'POST /v1/quotes',
      'GET /v1/rates',
      'GET /v1/catalogue/streams',
      'GET /v1/catalogue/types',
    ];
    for (const route of served) {
      const [method, path] = route.split(' ') as [string, string];
      expect([route, Object.keys(doc.paths[path]?.[method.toLowerCase()]?.responses ?? {}).length > 0]).toEqual([route, true]);
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
