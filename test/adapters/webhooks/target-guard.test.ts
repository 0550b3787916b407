import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkWebhookUrl, guardedLookup, isPrivateAddress, UnsafeWebhookTarget } from '../../../adapters/webhooks/target-guard';
import { guardedPost } from '../../../adapters/webhooks/guarded-post';

const refusal = (url: string) => {
  try {
    checkWebhookUrl(url, 'public');
  } catch (error) {
    if (error instanceof UnsafeWebhookTarget) return error.message;
    throw error;
  }
  return null;
};

describe('client webhook targets', () => {
  test.each([
    ['http://hooks.example.com/x', /must be https/],
    ['ftp://hooks.example.com/x', /must be https/],
    ['https://user:pw@hooks.example.com/x', /credentials/],
    ['https://127.0.0.1/x', /not a public address/],
    ['https://2130706433/x', /not a public address/],
    ['https://0x7f000001/x', /not a public address/],
    ['https://0177.0.0.1/x', /not a public address/],
    ['https://[::1]/x', /not a public address/],
    ['https://[::ffff:127.0.0.1]/x', /not a public address/],
    ['https://[::ffff:7f00:1]/x', /not a public address/],
    ['https://169.254.169.254/latest/meta-data', /not a public address/],
    ['https://10.1.2.3/x', /not a public address/],
    ['https://172.20.0.1/x', /not a public address/],
    ['https://192.168.1.1/x', /not a public address/],
    ['https://100.64.0.1/x', /not a public address/],
    ['https://[fd00::1]/x', /not a public address/],
    ['https://[fe80::1]/x', /not a public address/],
    ['https://0.0.0.0/x', /not a public address/],
    ['https://localhost/x', /not a public address/],
    ['https://api.localhost/x', /not a public address/],
    ['https://intranet/x', /not a public address/],
    ['not a url', /absolute URL/],
    [`https://hooks.example.com/${'a'.repeat(2100)}`, /longer than 2048/],
  ])('refuses %s', (url, reason) => {
    expect(refusal(url)).toMatch(reason);
  });

  test('takes a public https URL, normalized and without its fragment; `any` takes a lab’s http on loopback', () => {
    expect(checkWebhookUrl('https://Hooks.Example.com:8443/t?x=1#frag', 'public')).toBe('https://hooks.example.com:8443/t?x=1');
    expect(checkWebhookUrl('https://93.184.216.34/t', 'public')).toBe('https://93.184.216.34/t');
    expect(checkWebhookUrl('http://127.0.0.1:9/t', 'any')).toBe('http://127.0.0.1:9/t');
    expect(() => checkWebhookUrl('http://u:p@127.0.0.1:9/t', 'any')).toThrow(UnsafeWebhookTarget);
  });

  test('private ranges', () => {
    for (const a of [
      '127.0.0.1',
      '10.0.0.1',
      '::1',
      '::ffff:8.8.8.8',
      '::7f00:1',
      '::ffff:0:7f00:1',
      'fec0::1',
      '64:ff9b::a00:1',
      'fc00::1',
      'garbage',
    ])
      expect(isPrivateAddress(a)).toBe(true);
    for (const a of ['8.8.8.8', '93.184.216.34', '2606:4700:4700::1111']) expect(isPrivateAddress(a)).toBe(false);
  });
});

describe('delivery-time address check', () => {
  const resolver =
    (addresses: string[]) => (_host: string, cb: (e: NodeJS.ErrnoException | null, a: { address: string; family: number }[]) => void) =>
      cb(
        null,
        addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      );
  const look = (policy: 'public' | 'any', addresses: string[], all = false) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((resolve) =>
      guardedLookup(policy, resolver(addresses))('hooks.example.com', { all }, (error, address) => resolve({ error, address })),
    );

  test('a name resolving to any private address is refused (DNS rebinding); public ones pass', async () => {
    expect((await look('public', ['93.184.216.34', '127.0.0.1'])).error?.code).toBe('EUNSAFETARGET');
    expect((await look('public', ['169.254.169.254'])).error?.message).toMatch(/169\.254\.169\.254, not a public address/);
    expect(await look('public', ['93.184.216.34'])).toEqual({ error: null, address: '93.184.216.34' });
    expect((await look('public', ['93.184.216.34', '2606:4700:4700::1111'], true)).address).toHaveLength(2);
    expect((await look('any', ['127.0.0.1'])).error).toBeNull();
  });

  test('a real POST to a name that resolves to loopback (localhost) is refused before connecting', async () => {
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      res.writeHead(204).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const headers = { 'content-type': 'application/json' };
      expect(await guardedPost(`http://localhost:${port}/h`, headers, '{}', { policy: 'public', timeoutMs: 2000 })).toBe('EUNSAFETARGET');
      expect(hits).toBe(0);
      expect(await guardedPost(`http://localhost:${port}/h`, headers, '{}', { policy: 'any', timeoutMs: 2000 })).toBeNull();
      expect(hits).toBe(1);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  test('the deadline bounds the whole exchange: a receiver trickling its answer a byte at a time is cut off', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const drip = setInterval(() => res.write('x'), 100);
      res.on('close', () => clearInterval(drip));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const started = Date.now();
      expect(await guardedPost(`http://127.0.0.1:${port}/h`, {}, '{}', { policy: 'any', timeoutMs: 600 })).toBe('ETIMEDOUT');
      // well before the 10 s a drip of 100 ms per byte would take to fill the 64 KiB cap
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
