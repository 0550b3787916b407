import { deriveId, isUuid, uuidv7Generator } from '../../core/ids';
import { manualClock } from '../../core/clock';

describe('ids', () => {
  test('UUIDv7s carry the time and sort in creation order, even within one millisecond', () => {
    const clock = manualClock('2026-11-25T12:00:00.000Z');
    const ids = uuidv7Generator(clock);
    const made = Array.from({ length: 5000 }, (_, i) => {
      if (i % 1000 === 0) clock.advance(1);
      return ids.next();
    });
    expect(made.every(isUuid)).toBe(true);
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
    expect(made[0]![14]).toBe('7');
    expect(parseInt(made[0]!.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.parse('2026-11-25T12:00:00.001Z'));
  });

  test('derived ids are stable per fact and differ between facts', () => {
    expect(deriveId('stripe-event', 'evt_1')).toBe(deriveId('stripe-event', 'evt_1'));
    expect(deriveId('stripe-event', 'evt_1')).not.toBe(deriveId('stripe-event', 'evt_2'));
    expect(deriveId('a', 'bc')).not.toBe(deriveId('ab', 'c'));
    expect(deriveId('cdr', 'x')[14]).toBe('5');
    expect(isUuid(deriveId('cdr', 'x'))).toBe(true);
  });
});
