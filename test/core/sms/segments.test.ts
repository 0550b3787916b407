import { encodePart, segment } from '../../../core/sms/segments';

const a = (n: number) => 'a'.repeat(n);
const emoji = '😀'; // U+1F600: a surrogate pair, two UCS-2 units

describe('SMS segmentation (GSM 03.38 / UCS-2, as public segment calculators count)', () => {
  it.each([
    ['160 GSM-7 characters', a(160), 'GSM-7', 1],
    ['161 GSM-7 characters', a(161), 'GSM-7', 2],
    ['306 (2 × 153)', a(306), 'GSM-7', 2],
    ['307', a(307), 'GSM-7', 3],
    ['153 × 10', a(1530), 'GSM-7', 10],
    ['70 UCS-2 units', 'ж'.repeat(70), 'UCS-2', 1],
    ['71 UCS-2 units', 'ж'.repeat(71), 'UCS-2', 2],
    ['134 (2 × 67)', 'ж'.repeat(134), 'UCS-2', 2],
    ['135', 'ж'.repeat(135), 'UCS-2', 3],
    ['an empty text', '', 'GSM-7', 0],
  ])('%s', (_name, text, encoding, segments) => {
    const s = segment(text);
    expect(s.encoding).toBe(encoding);
    expect(s.segments).toBe(segments);
    expect(s.parts.join('')).toBe(text);
  });

  it('counts an extension character as two septets, also at the single-segment boundary', () => {
    expect(segment(`${a(158)}€`)).toMatchObject({ encoding: 'GSM-7', segments: 1, units: 160, characters: 159 });
    expect(segment(`${a(159)}€`)).toMatchObject({ encoding: 'GSM-7', segments: 2, units: 161 });
    expect(segment('{}[]~|\\^€\f')).toMatchObject({ encoding: 'GSM-7', units: 20, segments: 1 });
  });

  it('never splits an escape sequence: a segment that would end half-way moves the character on', () => {
    // 152 septets, then € (2): 154 > 153, so € opens segment 2
    const s = segment(`${a(152)}€${a(100)}`);
    expect(s.segments).toBe(2);
    expect(s.parts[0]).toBe(a(152));
    expect(s.parts[1]!.startsWith('€')).toBe(true);
    // exactly 153: the escape fits
    expect(segment(`${a(151)}€${a(10)}`).parts[0]).toBe(`${a(151)}€`);
  });

  it('never splits a surrogate pair', () => {
    expect(segment(emoji.repeat(35))).toMatchObject({ encoding: 'UCS-2', segments: 1, units: 70, characters: 35 });
    // 66 + 2 would make 68 > 67 in a concatenated segment: the emoji opens the second one
    const s = segment(`${'ж'.repeat(66)}${emoji}xxx`);
    expect(s).toMatchObject({ segments: 2, units: 71 });
    expect(s.parts[0]).toBe('ж'.repeat(66));
    expect(s.parts[1]).toBe(`${emoji}xxx`);
  });

  it('keeps a grapheme cluster (an emoji with a skin tone, a flag) whole and counts it as one character', () => {
    const thumb = '👍🏽'; // 2 code points, 4 UCS-2 units
    const s = segment(`${'ж'.repeat(65)}${thumb}xx`);
    expect(s).toMatchObject({ segments: 2, units: 71, characters: 68 });
    expect(s.parts[0]).toBe('ж'.repeat(65));
    expect(s.parts[1]).toBe(`${thumb}xx`);
  });

  it('one character outside GSM-7 turns the whole text into UCS-2', () => {
    expect(segment(`${a(100)}ж`)).toMatchObject({ encoding: 'UCS-2', segments: 2, units: 101 });
    // ç (lower case) is not in GSM-7; Ç is
    expect(segment('Ç').encoding).toBe('GSM-7');
    expect(segment('ç').encoding).toBe('UCS-2');
  });

  it('encodes GSM-7 unpacked with ESC before extension characters, UCS-2 big-endian', () => {
    expect([...encodePart('GSM-7', '@A€')]).toEqual([0x00, 0x41, 0x1b, 0x65]);
    expect([...encodePart('UCS-2', `ж${emoji}`)]).toEqual([0x04, 0x36, 0xd8, 0x3d, 0xde, 0x00]);
  });
});
