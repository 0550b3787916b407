import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Router } from 'express';
import { pluginRouter } from '../../../adapters/runtime/plugin-router';
import type { RouteAccess } from '../../../application/ports/plugin-api';
import { signedFetch, signer } from '../../support/signed-fetch';
import { testEngine, type TestEngine } from '../../support/test-engine';

/** A plain CommonJS plugin, as a third party writes one: routers with and without an access of their own. */
const PLUGIN = `const { Router } = require(${JSON.stringify(require.resolve('express'))});
const hello = (name) => () => Router().get('/hello', (_req, res) => res.json({ from: name }));
module.exports = { name: 'acme', register(host) {
  host.addRouter('/v1/acme', hello('signed'));
  host.addRouter('/v1/acme/more', hello('more'));
  host.addRouter('/v1/acme-public', hello('public'), 'public');
  host.addRouter('/v1/acme-ops', hello('ops'), { roles: ['viewer'] });
} };`;

describe('routes a plugin adds', () => {
  const number = signer('+442079460977');
  const viewer = signer('ops-viewer');
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-plugin-routes-'));
  let t: TestEngine;
  beforeAll(async () => {
    writeFileSync(join(dir, 'acme.js'), PLUGIN);
    t = await testEngine({
      numbers: [number],
      operators: [{ who: viewer, roles: ['viewer'] }],
      config: { plugins: [{ module: join(dir, 'acme.js'), options: {} }] },
    });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async (path: string, who?: typeof number) => {
    const r = who ? await signedFetch(t.base, who, 'GET', path) : await fetch(`${t.base}${path}`);
    return [r.status, (await r.json()) as unknown] as const;
  };

  test('need a signed request unless the plugin says otherwise', async () => {
    expect(await get('/v1/acme/hello')).toEqual([
      401,
      expect.objectContaining({ type: 'https://trunkline.dev/problems/signature-missing-signature' }),
    ]);
    expect(await get('/v1/acme/hello', number)).toEqual([200, { from: 'signed' }]);
    expect(await get('/v1/acme-public/hello')).toEqual([200, { from: 'public' }]);
  });

  test('with roles, answer operators holding one and refuse numbers with 403', async () => {
    expect((await get('/v1/acme-ops/hello'))[0]).toBe(401);
    expect((await get('/v1/acme-ops/hello', number))[0]).toBe(403);
    expect(await get('/v1/acme-ops/hello', viewer)).toEqual([200, { from: 'ops' }]);
  });

  test('a request passing two signed mounts is verified once (its nonce is spent by the first)', async () => {
    expect(await get('/v1/acme/more/hello', number)).toEqual([200, { from: 'more' }]);
  });

  test('are listed with the engine routes', () => {
    expect(t.engine.app.routes).toEqual(
      expect.arrayContaining(['GET /v1/acme/hello', 'GET /v1/acme/more/hello', 'GET /v1/acme-public/hello', 'GET /v1/acme-ops/hello']),
    );
  });

  test('with an access that is none of the three, stop the engine at registration', () => {
    for (const access of ['open', { roles: [] }, { role: 'viewer' }] as unknown as RouteAccess[])
      expect(() => pluginRouter(() => Router(), access)).toThrow(/a router's access is 'signed', 'public' or \{ roles/);
  });
});
