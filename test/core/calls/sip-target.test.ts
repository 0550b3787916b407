import { sipTarget } from '../../../core/calls/sip-target';

describe('sipTarget: the host and port a SIP URI routes to', () => {
  test.each([
    ['sip:+442079460999@Provider-B.example', { host: 'provider-b.example', ipLiteral: false, port: null }],
    ['sips:+442079460999@provider-b.example;transport=tls', { host: 'provider-b.example', ipLiteral: false, port: null }],
    ['sip:+19005550100@127.0.0.1:5080;transport=udp', { host: '127.0.0.1', ipLiteral: true, port: 5080 }],
    ['sip:x@[2001:db8::1]:5061', { host: '[2001:db8::1]', ipLiteral: true, port: 5061 }],
    ['sip:provider.example', { host: 'provider.example', ipLiteral: false, port: null }],
  ])('%s', (uri, expected) => {
    expect(sipTarget(uri)).toEqual(expected);
  });

  test('what is no SIP URI has no target', () => {
    expect(sipTarget('tel:+442079460999')).toBeNull();
    expect(sipTarget('http://provider.example/')).toBeNull();
    expect(sipTarget('sip:')).toBeNull();
  });
});
