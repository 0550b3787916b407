/**
 * Same-run comparisons: a figure and its baseline measured in alternated rounds (A B A B …) in
 * one invocation, reported as medians with the median of the per-round ratios. On two shared
 * cores a figure drifts by a third from one run to the next; a ratio to a baseline measured
 * beside it in the same round does not.
 */

/** BENCH_ROUNDS, at least 3 (a median of fewer is one of two runs). */
export const benchRounds = (fallback = 3): number => Math.max(3, Number(process.env['BENCH_ROUNDS'] ?? fallback));

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Every round's figure of each step, steps run in their given order each round (the baseline first). */
export type Rounds<K extends string, V = number> = Record<K, V[]>;

/** Runs `steps` in order, `rounds` times over: A B A B …; `onRound` sees each round's figures. */
export async function alternate<K extends string, V = number>(
  rounds: number,
  steps: Readonly<Record<K, (round: number) => V | Promise<V>>>,
  onRound?: (round: number, figures: Readonly<Record<K, V>>) => void,
): Promise<Rounds<K, V>> {
  const names = Object.keys(steps) as K[];
  const out = Object.fromEntries(names.map((n) => [n, [] as V[]])) as Rounds<K, V>;
  for (let round = 0; round < rounds; round++) {
    const figures = {} as Record<K, V>;
    for (const name of names) {
      figures[name] = await steps[name](round);
      out[name].push(figures[name]);
    }
    onRound?.(round + 1, figures);
  }
  return out;
}

/** The median of the per-round ratios of a figure to its baseline. */
export const ratioOf = (figure: readonly number[], baseline: readonly number[]): number => median(figure.map((x, i) => x / baseline[i]!));

/** Three table cells: the figure's median, the baseline's median, their ratio (× r). */
export const versus = (figure: readonly number[], baseline: readonly number[], show: (n: number) => string): string =>
  `${show(median(figure))} | ${show(median(baseline))} | × ${ratioOf(figure, baseline).toFixed(2)}`;

/** One table cell: the figure's median, then the baseline's and the ratio in brackets. */
export const beside = (figure: readonly number[], baseline: readonly number[], show: (n: number) => string, name: string): string =>
  `${show(median(figure))} (${name} ${show(median(baseline))}, × ${ratioOf(figure, baseline).toFixed(2)})`;

/** Splits `items` into `parts` runs of near-equal length, in order (an alternated phase's share of each round). */
export function chunks<T>(items: readonly T[], parts: number): T[][] {
  const size = Math.ceil(items.length / parts);
  return Array.from({ length: parts }, (_, i) => items.slice(i * size, (i + 1) * size)).filter((c) => c.length > 0);
}
