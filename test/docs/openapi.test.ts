import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import pino from 'pino';
import { loadConfig } from '../../adapters/runtime/config';
import { createEngine } from '../../adapters/runtime/engine';
import { join } from 'node:path';
import { ROOT } from '../support/cli';
import { accessOf, concretePath, operationsOf, readOpenApi, type Operation } from '../support/openapi-operations';
import { signedFetch, signer, type Signer } from '../support/signed-fetch';
import { testEngine, type TestEngine } from '../support/test-engine';

describe('docs/openapi.yaml', () => {
  const doc = readOpenApi();
  const operations = operationsOf(doc);

  test('is OpenAPI 3.1 and documents exactly the routes the engine serves', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const dir = mkdtempSync(join(tmpdir(), 'trunkline-openapi-'));
    const engine = await createEngine(loadConfig({ env: { TRUNKLINE_STORE: 'memory' }, flags: { dataDir: dir }, cwd: dir }), {
      logger: pino({ level: 'silent' }),
    });
    try {
      const documented = operations
        .map((op) => op.route)
        .filter((r) => !r.includes('/v1/examples/')) // the example plugin is not loaded by default
        .sort();
      expect(documented).toEqual([...engine.app.routes]);
      for (const op of operations) expect([op.route, Object.keys(op.operation.responses).length > 0]).toEqual([op.route, true]);
    } finally {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('every $ref points at a component that exists', () => {
    const text = JSON.stringify(doc);
    for (const [, kind, name] of text.matchAll(/"#\/components\/(\w+)\/(\w+)"/g)) {
      expect([kind, name, Boolean(doc.components[kind!]?.[name!])]).toEqual([kind, name, true]);
    }
  });

  test('every operation says who may call it, in schemes that exist; roles only on signed ones', () => {
    const schemes = Object.keys(doc.components['securitySchemes'] ?? {});
    for (const op of operations) {
      const access = accessOf(op);
      if (access.kind === 'secret') for (const s of access.schemes) expect([op.route, s, schemes.includes(s)]).toEqual([op.route, s, true]);
      if (access.kind !== 'signed') expect([op.route, op.operation['x-roles']]).toEqual([op.route, undefined]);
    }
  });
});

describe('docs/openapi.yaml security, against a served engine', () => {
  const operations = operationsOf(readOpenApi());
  const roles = [...new Set(operations.flatMap((op) => op.operation['x-roles'] ?? []))];
  const operators = new Map(roles.map((role): [string, Signer] => [role, signer(`ops-${role}`)]));
  const number = signer('+442079460999');
  let t: TestEngine;

  beforeAll(async () => {
    t = await testEngine({
      numbers: [number],
      operators: [...operators].map(([role, who]) => ({ who, roles: [role] })),
      config: {
        sipHookSecret: 'hook-secret-0123456789',
        plugins: [{ module: join(ROOT, 'plugins', 'example-daily-volume'), options: {} }],
        pluginOptions: {
          stripe: { secretKey: 'sk_test_openapi', webhookSecret: 'whsec_openapi' },
          'sms-http': { gateways: [{ id: 'http-gw', url: 'http://127.0.0.1:9/', receipts: { secret: 'receipt-secret-0123456789' } }] },
        },
      },
    });
  });
  afterAll(() => t.close());

  const body = (op: Operation) => (op.method === 'GET' ? undefined : {});
  const unsigned = (op: Operation) =>
    fetch(`${t.base}${concretePath(op)}`, {
      method: op.method,
      ...(op.method === 'GET' ? {} : { headers: { 'content-type': 'application/json' }, body: '{}' }),
    });
  const signedBy = (who: Signer, op: Operation) => signedFetch(t.base, who, op.method, concretePath(op), body(op));

  test('the served routes are the documented ones, the example plugin included', () => {
    expect(operations.map((op) => op.route).sort()).toEqual([...t.engine.app.routes]);
  });

  test.each(operations.map((op) => [op.route, op] as const))('%s answers as its security says', async (_route, op) => {
    const access = accessOf(op);
    const anonymous = await unsigned(op);
    await anonymous.arrayBuffer();
    if (access.kind === 'public') {
      expect([401, 403]).not.toContain(anonymous.status);
    } else if (access.kind === 'secret') {
      expect([400, 401]).toContain(anonymous.status);
    } else {
      expect([anonymous.status, anonymous.headers.get('content-type')]).toEqual([
        401,
        expect.stringMatching(/^application\/problem\+json/),
      ]);
      const byNumber = await signedBy(number, op);
      await byNumber.arrayBuffer();
      if (access.roles.length > 0) expect(byNumber.status).toBe(403);
      else expect(byNumber.status).not.toBe(401);
      for (const role of access.roles) {
        const byOperator = await signedBy(operators.get(role)!, op);
        await byOperator.arrayBuffer();
        expect([role, [401, 403].includes(byOperator.status)]).toEqual([role, false]);
      }
    }
  });
});
