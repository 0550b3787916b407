import type { RunnerContext } from './context';
import { followTogether } from './follow-together';
import type { Live } from './live';
import { prepare } from './prepare';

/** Creates every projection's tables (rebuilding those whose version changed), then follows the log live. */
export async function startFollowing(ctx: RunnerContext, live: Map<string, Live>): Promise<void> {
  const { projections } = ctx.options;
  for (const p of projections) await prepare(ctx, p);
  const members = projections.filter((p) => !live.get(p.name)?.running);
  if (members.length === 0) return;
  // one controller for the group; a projection that leaves it keeps it (stop aborts both)
  const stop = new AbortController();
  for (const p of members)
    live.set(p.name, { running: true, caughtUp: false, lastError: null, stopped: null, stop, done: Promise.resolve() });
  const group = followTogether(ctx, [...members], live, stop.signal).finally(() => {
    for (const p of members) {
      const s = live.get(p.name)!;
      // still in the group (not following on its own): it stops with the group
      if (s.done === groupDone) s.running = false;
    }
  });
  const groupDone = group;
  for (const p of members) live.get(p.name)!.done = groupDone;
}

export async function stopFollowing(live: ReadonlyMap<string, Live>): Promise<void> {
  for (const s of live.values()) s.stop.abort();
  // a projection that left the group replaced its `done`: wait until nothing changes any more
  for (let i = 0; i < 3; i++) await Promise.all([...live.values()].map((s) => s.done));
  for (const s of live.values()) s.running = false;
}
