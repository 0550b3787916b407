import { redact, redactUrl } from '../../../adapters/runtime/redact';

describe('redact', () => {
  test('masks secrets at any depth and passwords in URLs; keeps public keys and everything else', () => {
    const config = {
      postgresUrl: 'postgres://app:hunter2@db:5432/trunkline',
      sipSecrets: ['current-secret-0123456789', 'old-secret-0123456789'],
      turnSecret: 'turn-secret-0123456789',
      pluginOptions: { stripe: { secretKey: 'sk_live_abc', webhookSecret: 'whsec_abc', apiUrl: 'https://api.stripe.com' } },
      operators: [{ id: 'ops', publicKey: 'AAAA', roles: ['admin'] }],
      carriers: [{ password: 'p' }],
      gatewayUrl: 'https://sms.example/send?api_key=gw-key-1&from=trunkline',
      port: 8080,
    };
    const out = JSON.stringify(redact(config));
    for (const secret of ['hunter2', 'current-secret', 'old-secret', 'turn-secret', 'sk_live_abc', 'whsec_abc', '"p"', 'gw-key-1'])
      expect(out).not.toContain(secret);
    expect(redact(config)).toMatchObject({
      postgresUrl: 'postgres://app:***@db:5432/trunkline',
      sipSecrets: ['***', '***'],
      pluginOptions: { stripe: { secretKey: '***', webhookSecret: '***', apiUrl: 'https://api.stripe.com' } },
      operators: [{ publicKey: 'AAAA' }],
      gatewayUrl: 'https://sms.example/send?api_key=***&from=trunkline',
      port: 8080,
    });
  });
});

describe('redactUrl', () => {
  test.each([
    ['/finance/login?token=abc.def', '/finance/login?token=***'],
    [
      '/x?lang=en&Token=a&apiKey=b&client_secret=c&password=d&signature=e&sig=f&page=2',
      '/x?lang=en&Token=***&apiKey=***&client_secret=***&password=***&signature=***&sig=***&page=2',
    ],
    ['/x?access%5Ftoken=a#top', '/x?access%5Ftoken=***#top'],
    ['https://u:pw@host/p?token=a', 'https://u:***@host/p?token=***'],
    ['/v1/sms?after=12&flag', '/v1/sms?after=12&flag'],
    ['/finance', '/finance'],
  ])('%s → %s', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });
});
