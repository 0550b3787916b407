import { z } from 'zod';
import { eventCodec, UnknownEventError } from '../../../core/events/codec';

describe('event codec: decoding stored events', () => {
  let parses = 0;
  const codec = eventCodec({
    Counted: {
      schemaVersion: 2,
      schema: z.object({ n: z.number(), unit: z.string() }).transform((d) => (parses++, d)),
      upcasters: { 1: (d) => ({ ...d, unit: 'each' }) },
    },
  });
  const stored = (data: Record<string, unknown>, schemaVersion = 2) => ({ id: 'e1', type: 'Counted', schemaVersion, data: data as never });

  beforeEach(() => (parses = 0));

  test('upcasts and validates; one stored event is validated once, however many projections read it', () => {
    const e = stored({ n: 1 }, 1);
    const first = codec.decode(e);
    expect(first).toEqual({ type: 'Counted', id: 'e1', data: { n: 1, unit: 'each' } });
    expect(codec.decode(e)).toBe(first);
    expect(parses).toBe(1);
    // another object with the same content is another read: validated again
    expect(codec.decode(stored({ n: 1 }, 1))).toEqual(first);
    expect(parses).toBe(2);
  });

  test('an event its schema refuses throws on every read, never a remembered answer', () => {
    const bad = stored({ n: 'one', unit: 'each' });
    expect(() => codec.decode(bad)).toThrow(UnknownEventError);
    expect(() => codec.decode(bad)).toThrow(/does not match its schema/);
    expect(() => codec.decode({ ...bad, type: 'constructor' })).toThrow(/unknown event type constructor/);
    expect(() => codec.decode(stored({ n: 1, unit: 'x' }, 3))).toThrow(/newer than this engine's 2/);
  });

  test('what it remembers stays off the event: a copy is decoded from its own data, the event reads as before', () => {
    const e = stored({ n: 1, unit: 'each' });
    const first = codec.decode(e);
    // a copy made to change the data must not carry the original's answer with it
    const changed = { ...e, data: { n: 2, unit: 'each' } as never };
    expect(codec.decode(changed).data).toEqual({ n: 2, unit: 'each' });
    expect(parses).toBe(2);
    expect(Object.keys(e)).toEqual(['id', 'type', 'schemaVersion', 'data']);
    expect(Object.getOwnPropertySymbols(e).filter((s) => Object.getOwnPropertyDescriptor(e, s)!.enumerable)).toEqual([]);
    expect(e).toEqual(stored({ n: 1, unit: 'each' }));
    expect(JSON.stringify(e)).toBe(JSON.stringify(stored({ n: 1, unit: 'each' })));
    expect(codec.decode(e)).toBe(first);
  });

  test('a frozen event is decoded, not refused', () => {
    const e = Object.freeze(stored({ n: 1, unit: 'each' }));
    expect(codec.decode(e).data).toEqual({ n: 1, unit: 'each' });
    expect(codec.decode(e).data).toEqual({ n: 1, unit: 'each' });
  });

  test('two codecs reading one event each keep their own answer', () => {
    const other = eventCodec({ Counted: { schemaVersion: 2, schema: z.object({ n: z.number() }), upcasters: { 1: (d) => d } } });
    const e = stored({ n: 1, unit: 'each' });
    expect(codec.decode(e).data).toEqual({ n: 1, unit: 'each' });
    expect(other.decode(e).data).toEqual({ n: 1 });
    expect(codec.decode(e).data).toEqual({ n: 1, unit: 'each' });
  });
});
