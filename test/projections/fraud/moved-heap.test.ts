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
  test('pops the earliest first, each with its own ref', () => {
    const values = [...moments(7, 500)];
    const heap = movedHeap();
    values.forEach((m, i) => heap.push(m, `r${i}`));
    const out: number[] = [];
    while (heap.size > 0) {
      const moment = heap.earliest();
      const ref = heap.popRef();
      expect(values[Number(ref.slice(1))]).toBe(moment);
      out.push(moment);
    }
    expect(out).toEqual([...values].sort((a, b) => a - b));
    expect(heap.earliest()).toBe(Infinity);
  });

  test('keeps each entry with its ref, and takes pushes between pops', () => {
    const heap = movedHeap();
    heap.push(30, 'c');
    heap.push(10, 'a');
    heap.push(20, 'b');
    expect(heap.popRef()).toBe('a');
    heap.push(5, 'z');
    expect(heap.earliest()).toBe(5);
    expect([heap.popRef(), heap.popRef(), heap.popRef()]).toEqual(['z', 'b', 'c']);
    expect(heap.size).toBe(0);
  });
});
