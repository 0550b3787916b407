import { batches } from '../../projections/batches';

/** Yields each value after its delay (ms) from the previous one. */
async function* paced(items: readonly [number, number][]): AsyncGenerator<number> {
  for (const [value, delay] of items) {
    await new Promise((r) => setTimeout(r, delay));
    yield value;
  }
}

async function collect(source: AsyncIterable<number>, size: number, linger?: number): Promise<number[][]> {
  const out: number[][] = [];
  for await (const b of batches(source, size, linger)) out.push(b);
  return out;
}

/** Three items 5 ms apart, then (for the linger case) two more after a pause. */
const BURST: [number, number][] = [
  [1, 0],
  [2, 5],
  [3, 5],
];

describe('batches', () => {
  it('without a linger, closes a group as soon as the next item is not ready', async () => {
    expect(await collect(paced(BURST), 10)).toEqual([[1], [2], [3]]);
  });

  it('with a linger, keeps a group open that long after its first item, then starts the next', async () => {
    const later: [number, number][] = [
      [4, 80],
      [5, 5],
    ];
    expect(await collect(paced([...BURST, ...later]), 10, 40)).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('never exceeds the size, linger or not', async () => {
    const ready = async function* () {
      for (let i = 0; i < 7; i++) yield i;
    };
    expect(await collect(ready(), 3, 40)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(await collect(ready(), 3)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });

  it('with a linger from the size of the group before, waits longer only after a large group', async () => {
    // 1–3 come at once; then 4 and 5 20 ms apart; then, well after, 6 and 7 50 ms apart
    const source = async function* () {
      yield* [1, 2, 3];
      yield* paced([
        [4, 10],
        [5, 20],
        [6, 150],
        [7, 50],
      ]);
    };
    const lingers: number[] = [];
    const linger = (previous: number) => {
      lingers.push(previous);
      return previous >= 3 ? 60 : 0;
    };
    const out: number[][] = [];
    for await (const b of batches(source(), 3, linger)) out.push(b);
    // the first group closes full; the one after it waits for 5; the ones after that do not wait
    expect(out).toEqual([[1, 2, 3], [4, 5], [6], [7]]);
    expect(lingers).toEqual([0, 3, 2, 1]);
  });

  it('leaves no linger timer running once a group fills up or the source ends', async () => {
    const ready = async function* () {
      for (let i = 0; i < 7; i++) yield i;
    };
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    // a linger far longer than the test: every group here closes full, or at the end of the source
    expect(await collect(ready(), 3, 60_000)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(timers()).toBe(before);
  });
});
