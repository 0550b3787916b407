import { redact } from '../../../adapters/cli/redact';

describe('redact', () => {
  test('masks secrets at any depth and passwords in URLs; keeps public keys and everything else', () => {
    const config = {
      postgresUrl: 'postgres://app:hunter2@db:5432/trunkline',
      sipSecrets: ['current-secret-0123456789', 'old-secret-0123456789'],
      turnSecret: 'turn-secret-0123456789',
      pluginOptions: { stripe: { secretKey: 'sk_live_abc', webhookSecret: 'whsec_abc', apiUrl: 'https://api.stripe.com' } },
      operators: [{ id: 'ops', publicKey: 'AAAA', roles: ['admin'] }],
      carriers: [{ password: 'p' }],
      port: 8080,
    };
    const out = JSON.stringify(redact(config));
    for (const secret of ['hunter2', 'current-secret', 'old-secret', 'turn-secret', 'sk_live_abc', 'whsec_abc', '"p"'])
      expect(out).not.toContain(secret);
    expect(redact(config)).toMatchObject({
      postgresUrl: 'postgres://app:***@db:5432/trunkline',
      sipSecrets: ['***', '***'],
      pluginOptions: { stripe: { secretKey: '***', webhookSecret: '***', apiUrl: 'https://api.stripe.com' } },
      operators: [{ publicKey: 'AAAA' }],
      port: 8080,
    });
  });
});
