import { collectStartupGarbage } from '../../../adapters/runtime/startup-garbage';

describe('collectStartupGarbage', () => {
  it('collects once when Node exposes gc', () => {
    const gc = jest.fn();
    expect(collectStartupGarbage(gc)).toBe(true);
    expect(gc).toHaveBeenCalledTimes(1);
  });

  it('does nothing without it (Node started without --expose-gc)', () => {
    expect(collectStartupGarbage(undefined)).toBe(false);
    expect(collectStartupGarbage({ gc: 1 })).toBe(false);
  });
});
