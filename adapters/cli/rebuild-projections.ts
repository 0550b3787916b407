import type { ProjectionRunner } from '../../projections/runner';
import { progressBar } from './progress';

/**
 * `trunkline projections rebuild [name]`: the projections named (all when none) emptied and
 * replayed in one shared pass over the log. One bar for the pass (the slowest projection's
 * events), then a line per projection; one that fails is named on stderr, the others finish,
 * and the command fails after them.
 */
export async function rebuildProjections(runner: ProjectionRunner, name: string | undefined): Promise<void> {
  const names = name ? [name] : runner.names();
  const bar = progressBar(names.length === 1 ? `rebuild ${names[0]}` : `rebuild ${names.length} projections`, 'events');
  const started = Date.now();
  const applied = new Map<string, number>();
  const finishedAt = new Map<string, number>();
  let target = 0;
  const outcomes = await runner.rebuildTogether(names, (p) => {
    applied.set(p.projection, p.applied);
    target = p.target;
    if (p.position >= p.target) finishedAt.set(p.projection, Date.now());
    bar.update(Math.min(...applied.values()), target);
  });
  const done = outcomes.filter((o) => 'position' in o);
  bar.finish(Math.min(...done.map((o) => applied.get(o.name) ?? 0), ...(done.length ? [] : [0])));
  const failures: string[] = [];
  for (const o of outcomes) {
    if ('error' in o) {
      const message = o.error instanceof Error ? o.error.message : String(o.error);
      failures.push(message);
      // one alone fails with its own line, as the CLI tells any error
      if (names.length > 1) process.stderr.write(`${o.name}: not rebuilt: ${message}\n`);
      continue;
    }
    const seconds = ((finishedAt.get(o.name) ?? Date.now()) - started) / 1000;
    process.stdout.write(`${o.name}: rebuilt to position ${o.position}, ${applied.get(o.name) ?? 0} events in ${seconds.toFixed(2)} s\n`);
  }
  if (failures.length === 1) throw (outcomes.find((o) => 'error' in o) as { error: unknown }).error;
  if (failures.length > 1) throw new Error(`${failures.length} projections not rebuilt: ${failures.join('; ')}`);
}
