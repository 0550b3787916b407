/**
 * Activity rows by when they last moved, the earliest first: a binary min-heap of (moment, ref)
 * in two parallel arrays, so that no entry is an object of its own. A row changed or deleted
 * since its entry was pushed leaves that entry behind; whoever pops it checks it against the row
 * as it is now.
 */
export interface MovedHeap {
  readonly size: number;
  /** The earliest moment in the heap; Infinity when empty. */
  earliest(): number;
  push(moved: number, ref: string): void;
  /** Removes the earliest entry and answers its ref (its moment is `earliest()` before the call). */
  popRef(): string;
}

export function movedHeap(): MovedHeap {
  const moments: number[] = [];
  const refs: string[] = [];
  const up = (i: number) => {
    const moment = moments[i]!;
    const ref = refs[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (moments[parent]! <= moment) break;
      moments[i] = moments[parent]!;
      refs[i] = refs[parent]!;
      i = parent;
    }
    moments[i] = moment;
    refs[i] = ref;
  };
  const down = (i: number) => {
    const n = moments.length;
    const moment = moments[i]!;
    const ref = refs[i]!;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const child = left + 1 < n && moments[left + 1]! < moments[left]! ? left + 1 : left;
      if (moments[child]! >= moment) break;
      moments[i] = moments[child]!;
      refs[i] = refs[child]!;
      i = child;
    }
    moments[i] = moment;
    refs[i] = ref;
  };
  return {
    get size() {
      return moments.length;
    },
    earliest: () => (moments.length > 0 ? moments[0]! : Infinity),
    push(moved, ref) {
      moments.push(moved);
      refs.push(ref);
      up(moments.length - 1);
    },
    popRef() {
      const top = refs[0]!;
      const lastMoment = moments.pop()!;
      const lastRef = refs.pop()!;
      if (moments.length > 0) {
        moments[0] = lastMoment;
        refs[0] = lastRef;
        down(0);
      }
      return top;
    },
  };
}
