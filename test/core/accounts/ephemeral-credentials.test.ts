import { execFileSync } from 'node:child_process';
import { checkEphemeral, ephemeralCredential } from '../../../core/accounts/ephemeral-credentials';

describe('ephemeral SIP and TURN credentials', () => {
  const now = new Date('2026-11-25T12:00:00Z');

  test('username carries the expiry; the password is base64 HMAC of it, as openssl computes it', () => {
    const c = ephemeralCredential('s3cret', '+442079460958', now, 3600, 'sha256');
    expect(c.username).toBe(`${Date.parse('2026-11-25T13:00:00Z') / 1000}:+442079460958`);
    expect(c.expiresAt).toBe('2026-11-25T13:00:00.000Z');
    const openssl = execFileSync('openssl', ['dgst', '-sha256', '-hmac', 's3cret', '-binary'], { input: c.username });
    expect(c.password).toBe(openssl.toString('base64'));
  });

  test('any configured secret verifies (rotation); expired or altered credentials do not', () => {
    const c = ephemeralCredential('old', '+442079460958', now, 60, 'sha1');
    expect(checkEphemeral(c.username, c.password, ['new', 'old'], now, 'sha1')).toBe(true);
    expect(checkEphemeral(c.username, c.password, ['new'], now, 'sha1')).toBe(false);
    expect(checkEphemeral(c.username, c.password, ['old'], new Date(now.getTime() + 61_000), 'sha1')).toBe(false);
    expect(checkEphemeral(c.username.replace('+44', '+33'), c.password, ['old'], now, 'sha1')).toBe(false);
  });
});
