import { randomBytes } from 'node:crypto';
import { batchTag, codeHash, normalizeCode, voucherCode } from '../../../core/vouchers/code';

describe('voucher codes', () => {
  test('a code is the batch tag and 16 base32 characters in groups of four; it reads back however it is typed', () => {
    const tag = batchTag(randomBytes(5));
    const code = voucherCode(tag, randomBytes(10));
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
    const { tag: read, canonical } = normalizeCode(code);
    expect(read).toBe(tag);
    expect(normalizeCode(` ${code.toLowerCase().replace(/-/g, ' ')} `).canonical).toBe(canonical);
    // O for zero, I and L for one, as people misread them
    const zeroOne = `${tag}-0101-0101-0101-0101`;
    expect(normalizeCode(zeroOne.slice(0, 9) + 'OIOL-OIOL-OIOL-OIOL').canonical).toBe(normalizeCode(zeroOne).canonical);
  });

  test('anything else is refused: wrong length, letters outside the alphabet', () => {
    for (const bad of ['', 'ABCD', 'ABCDEFGH-1234-5678-9ABC-DEF', 'ABCDEFGH-1234-5678-9ABC-DEFU', 'ABCDEFGH-1234-5678-9ABC-DEF!']) {
      expect(() => normalizeCode(bad)).toThrow(/not a voucher code/);
    }
  });

  test('the hash is stable, differs per code, and is not the code', () => {
    const a = normalizeCode(voucherCode('AAAAAAAA', Buffer.alloc(10, 1))).canonical;
    const b = normalizeCode(voucherCode('AAAAAAAA', Buffer.alloc(10, 2))).canonical;
    expect(codeHash(a)).toBe(codeHash(a));
    expect(codeHash(a)).not.toBe(codeHash(b));
    expect(codeHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(codeHash(a)).not.toContain(a.toLowerCase());
  });

  test('10,000 random codes are all different (80-bit secrets)', () => {
    const codes = new Set(Array.from({ length: 10_000 }, () => voucherCode('AAAAAAAA', randomBytes(10))));
    expect(codes.size).toBe(10_000);
  });
});
