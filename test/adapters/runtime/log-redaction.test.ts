import { Writable } from 'node:stream';
import pino from 'pino';
import { signDashboardLink } from '../../../adapters/http/dashboard/link-token';
import { loggerOptions } from '../../../adapters/runtime/log-redaction';
import { callsEngine, HOOK_SECRET } from '../../support/calls-engine';
import { signer } from '../../support/signed-fetch';

/** A logger as the engine builds it, at `trace`, writing into the returned string. */
function capturedLogger() {
  const out = { text: '' };
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out.text += chunk.toString();
      done();
    },
  });
  return { logger: pino(loggerOptions('trace'), stream), out };
}

describe('secrets stay out of the logs', () => {
  test('credentials in headers are redacted wherever a log line carries them', () => {
    const { logger, out } = capturedLogger();
    const headers = {
      authorization: 'Bearer header-secret-1',
      cookie: 'trunkline_finance=cookie-secret-2',
      signature: 'sig1=:signature-secret-3:',
      'set-cookie': 'trunkline_finance=cookie-secret-4',
      'proxy-authorization': 'Basic cHJveHk6c2VjcmV0LTU=',
      'content-type': 'application/json',
    };
    logger.info({ headers }, 'plain');
    logger.warn({ req: { headers } }, 'nested');
    logger.child({ component: 'x' }).error({ request: { headers } }, 'from a child');
    for (const secret of ['header-secret-1', 'cookie-secret-2', 'signature-secret-3', 'cookie-secret-4', 'cHJveHk6c2VjcmV0LTU='])
      expect(out.text).not.toContain(secret);
    expect(out.text.match(/application\/json/g)).toHaveLength(3);
  });

  test('a dashboard sign-in and SIP hooks at trace level log neither the link’s token nor the hook secret', async () => {
    const auditor = signer('auditor');
    const alice = signer('+442079460958');
    const { logger, out } = capturedLogger();
    const now = Math.floor(Date.now() / 1000);
    const token = signDashboardLink({ operatorId: 'auditor', privateKey: auditor.privateKey, nowSeconds: now, ttlSeconds: 300 });
    let session = '';
    const bed = await callsEngine({ people: [alice], operators: [{ who: auditor, roles: ['finance'] }], logger });
    try {
      const login = await fetch(`${bed.base}/finance/login?lang=en&token=${token}&api_key=query-key-1`, { redirect: 'manual' });
      expect(login.status).toBe(303);
      session = /trunkline_finance=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')![1]!;
      expect((await fetch(`${bed.base}/finance`, { headers: { cookie: `trunkline_finance=${session}` } })).status).toBe(200);
      await bed.fund(alice.keyid, '1');
      expect((await bed.hook('authorize', { call_id: 'logged', caller: alice.keyid, callee: '+442079460000' })).status).toBe(200);
      expect((await bed.hook('authorize', { call_id: 'x', caller: alice.keyid }, `${HOOK_SECRET}-wrong`)).status).toBe(401);
    } finally {
      await bed.close();
    }
    expect(out.text).toContain('/finance/login?lang=en&token=');
    for (const secret of [...token.split('.'), 'query-key-1', session, HOOK_SECRET]) expect(out.text).not.toContain(secret);
  });
});
