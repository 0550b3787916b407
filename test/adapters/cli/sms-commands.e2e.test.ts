import { runCli } from '../../support/cli';

describe('trunkline sms segments', () => {
  it('prints the encoding, segments and characters as JSON', () => {
    const r = runCli(['sms', 'segments', '--text', `${'a'.repeat(158)}€x`, '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ encoding: 'GSM-7', segments: 2, characters: 160 }); // 161 septets
    const u = runCli(['sms', 'segments', '--text', 'Привет 👍🏽', '--json']);
    expect(JSON.parse(u.stdout)).toEqual({ encoding: 'UCS-2', segments: 1, characters: 8 });
  });

  it('without --text is one line and exit 1', () => {
    const r = runCli(['sms', 'segments']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--text/);
  });
});
