import type { SpentNonces } from '../../application/ports/spent-nonces';

export interface NoncesUnderTest {
  /** Two handles on the same ledger: two nodes, or one process before and after a restart. */
  open(): Promise<SpentNonces>;
  cleanup(): Promise<void>;
}

/** The one contract every spent-nonce ledger passes; each backend's spec calls it. */
export function spentNoncesContract(factory: () => Promise<NoncesUnderTest>, options: { readonly durable: boolean }): void {
  let sut: NoncesUnderTest;
  const opened: SpentNonces[] = [];
  const open = async () => {
    const n = await sut.open();
    opened.push(n);
    return n;
  };
  beforeEach(async () => {
    sut = await factory();
  });
  afterEach(async () => {
    for (const n of opened.splice(0)) await n.close();
    await sut.cleanup();
  });
  const T = 1_800_000_000_000;

  test('a nonce is spent once; another key is another nonce', async () => {
    const nonces = await open();
    expect(await nonces.spend('+44|a', T + 300_000, T)).toBe(true);
    expect(await nonces.spend('+44|a', T + 300_000, T + 1)).toBe(false);
    expect(await nonces.spend('+44|a=1', T + 300_000, T + 1)).toBe(true);
    expect(await nonces.spend('+33|a', T + 300_000, T + 1)).toBe(true);
  });

  test('a nonce past its time may be spent again (its request is refused on age anyway)', async () => {
    const nonces = await open();
    expect(await nonces.spend('k', T + 1000, T)).toBe(true);
    expect(await nonces.spend('k', T + 1000, T + 999)).toBe(false);
    expect(await nonces.spend('k', T + 5000, T + 1000)).toBe(true);
    expect(await nonces.spend('k', T + 5000, T + 4000)).toBe(false);
  });

  test('concurrent spends of one nonce: exactly one wins', async () => {
    const a = await open();
    const b = options.durable ? await open() : a;
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).spend('race', T + 60_000, T)));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
  });

  if (options.durable)
    test('a spent nonce is still spent after the ledger is closed and opened again', async () => {
      const first = await open();
      expect(await first.spend('kept', T + 300_000, T)).toBe(true);
      await first.close();
      opened.splice(opened.indexOf(first), 1);
      const again = await open();
      expect(await again.spend('kept', T + 300_000, T + 10)).toBe(false);
    });

  test('expired nonces are swept: many short-lived spends leave the live ones alone', async () => {
    const nonces = await open();
    for (let i = 0; i < 500; i++) expect(await nonces.spend(`short-${i}`, T + 10, T)).toBe(true);
    expect(await nonces.spend('long', T + 3_600_000, T)).toBe(true);
    // past the sweep interval: the short ones are gone, the long one is not
    expect(await nonces.spend('long', T + 3_600_000, T + 120_000)).toBe(false);
    expect(await nonces.spend('short-1', T + 200_000, T + 120_000)).toBe(true);
  });
}
