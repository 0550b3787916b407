/**
 * Activity rows by when they last moved, the earliest first: a binary min-heap of (moment, ref).
 * A row changed or deleted since its entry was pushed leaves that entry behind; whoever pops it
 * checks it against the row as it is now.
 */
export interface MovedHeap {
  readonly size: number;
  /** The earliest moment in the heap; Infinity when empty. */
  earliest(): number;
  push(moved: number, ref: string): void;
  pop(): { readonly moved: number; readonly ref: string };
}

export function movedHeap(entries: Iterable<readonly [number, string]> = []): MovedHeap {
  const moments: number[] = [];
  const refs: string[] = [];
  const swap = (a: number, b: number) => {
    [moments[a], moments[b]] = [moments[b]!, moments[a]!];
    [refs[a], refs[b]] = [refs[b]!, refs[a]!];
  };
  const up = (i: number) => {
    for (let parent = (i - 1) >> 1; i > 0 && moments[parent]! > moments[i]!; i = parent, parent = (i - 1) >> 1) swap(i, parent);
  };
  const down = (i: number) => {
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < moments.length && moments[left]! < moments[least]!) least = left;
      if (right < moments.length && moments[right]! < moments[least]!) least = right;
      if (least === i) return;
      swap(i, least);
      i = least;
    }
  };
  for (const [moved, ref] of entries) {
    moments.push(moved);
    refs.push(ref);
  }
  for (let i = (moments.length >> 1) - 1; i >= 0; i--) down(i);
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
    pop() {
      const top = { moved: moments[0]!, ref: refs[0]! };
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
