import { sign } from 'node:crypto';
import { signDashboardLink } from '../../../adapters/http/dashboard/link-token';
import { callsEngine, type CallsEngine } from '../../support/calls-engine';
import { signer } from '../../support/signed-fetch';

describe('GET /finance/login', () => {
  const auditor = signer('auditor');
  let bed: CallsEngine;
  beforeAll(async () => {
    bed = await callsEngine({ people: [], operators: [{ who: auditor, roles: ['finance'] }] });
  });
  afterAll(() => bed.close());

  const login = (token: string) => fetch(`${bed.base}/finance/login?token=${encodeURIComponent(token)}`, { redirect: 'manual' });
  /** A token the operator's key signed whose payload is `json`. */
  const signed = (json: string) => {
    const payload = Buffer.from(json).toString('base64url');
    return `${payload}.${sign(null, Buffer.from(payload), auditor.privateKey).toString('base64url')}`;
  };

  test.each(['null', '7', '["auditor"]', '"auditor"'])('a signed payload of %s is a malformed link: 401, no session', async (json) => {
    const r = await login(signed(json));
    expect([r.status, r.headers.get('set-cookie')]).toEqual([401, null]);
    expect(await r.text()).toContain('the link is malformed');
  });

  test('a link the operator signed signs in', async () => {
    const now = Math.floor(Date.now() / 1000);
    const r = await login(signDashboardLink({ operatorId: 'auditor', privateKey: auditor.privateKey, nowSeconds: now, ttlSeconds: 300 }));
    expect([r.status, r.headers.get('location')]).toEqual([303, '/finance']);
  });
});

describe('GET /finance/assets/{file}', () => {
  let bed: CallsEngine;
  beforeAll(async () => {
    bed = await callsEngine({ people: [] });
  });
  afterAll(() => bed.close());

  test.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    '%s is an unknown asset: 404 problem, not a crash',
    async (name) => {
      const r = await fetch(`${bed.base}/finance/assets/${name}`);
      expect([r.status, r.headers.get('content-type')]).toEqual([404, expect.stringMatching(/^application\/problem\+json/)]);
    },
  );

  test('a real asset is served', async () => {
    expect((await fetch(`${bed.base}/finance/assets/dashboard.css`)).status).toBe(200);
  });
});
