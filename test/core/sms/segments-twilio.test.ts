import { SegmentedMessage } from 'sms-segments-calculator';
import { segment } from '../../../core/sms/segments';
import { seeded } from '../../support/random';

/** Pieces that sit at the rules' edges: basic and extension GSM-7, non-GSM BMP, surrogate pairs, line breaks. */
const PIECES = ['a', 'Z', ' ', '@', 'é', 'Ç', '\n', '\r', '€', '[', '~', '^', '|', 'ж', 'ç', 'ü', '😀', '👍🏽', '中'];

describe("segmentation agrees with Twilio's message-segment-calculator (sms-segments-calculator)", () => {
  it('on 3,000 random texts around the segment boundaries', () => {
    const r = seeded(7);
    for (let n = 0; n < 3000; n++) {
      // mostly one alphabet, so GSM-7 texts long enough to cross 160/153 are common
      const gsmOnly = r.int(0, 2) > 0;
      const pool = gsmOnly ? PIECES.filter((p) => /^[a-zZ @éÇ\n\r€[~^|ü]$/u.test(p)) : PIECES;
      const length = r.pick([r.int(1, 60), r.int(60, 80), r.int(130, 170), r.int(300, 320), r.int(450, 470)]);
      let text = '';
      for (let i = 0; i < length; i++) text += r.pick(pool);
      const ours = segment(text);
      const theirs = new SegmentedMessage(text, 'auto', false);
      const expected = {
        encoding: theirs.getEncodingName() === 'GSM-7' ? 'GSM-7' : 'UCS-2',
        segments: theirs.segmentsCount,
      };
      // (its numberOfCharacters counts code units, not characters: not compared)
      expect({ text, encoding: ours.encoding, segments: ours.segments }).toEqual({ text, ...expected });
    }
  });
});
