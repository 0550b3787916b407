import { movedHeap } from '../../../projections/fraud/moved-heap';

/** A small deterministic generator: the same moments on every run. */
function* moments(seed: number, count: number): Generator<number> {
  let x = seed;
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    yield x % 1000;
  }
}

describe('moved heap', () => {
  test('pops the earliest first, whether built from entries or pushed one by one', () => {
    const values = [...moments(7, 500)];
    const built = movedHeap(values.map((m, i) => [m, `r${i}`] as const));
    const pushed = movedHeap();
    values.forEach((m, i) => pushed.push(m, `r${i}`));
    for (const heap of [built, pushed]) {
      const out: number[] = [];
      while (heap.size > 0) out.push(heap.pop().moved);
      expect(out).toEqual([...values].sort((a, b) => a - b));
      expect(heap.earliest()).toBe(Infinity);
    }
  });

  test('keeps each entry with its ref, and takes pushes between pops', () => {
    const heap = movedHeap([
      [30, 'c'],
      [10, 'a'],
    ]);
    heap.push(20, 'b');
    expect(heap.pop()).toEqual({ moved: 10, ref: 'a' });
    heap.push(5, 'z');
    expect(heap.earliest()).toBe(5);
    expect([heap.pop(), heap.pop(), heap.pop()]).toEqual([
      { moved: 5, ref: 'z' },
      { moved: 20, ref: 'b' },
      { moved: 30, ref: 'c' },
    ]);
  });
});
