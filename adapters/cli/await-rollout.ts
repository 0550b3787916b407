import { Option } from 'commander';
import type { CommandEngine } from '../runtime/engine';
import { rolloutState, STALE_MS, type ServingNode, type ServingNodes } from '../../projections/rates/serving-nodes';

const describe = (n: ServingNode) => `${n.host} pid ${n.pid} (${n.revision < 0 ? 'starting' : `at revision ${n.revision}`})`;

/**
 * Waits until every serving engine rates on catalog revision `revision` (committed by this
 * process at or before `committedAt`), printing who is still behind; a node that does not
 * confirm in `timeoutMs` makes the command fail, naming it.
 */
export async function awaitRollout(
  nodes: ServingNodes,
  revision: number,
  committedAt: number,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<string> {
  // never shorter than the rule for silent nodes needs
  const started = Date.now();
  const deadline = Math.max(started + timeoutMs, committedAt + STALE_MS + 500);
  let told = false;
  for (;;) {
    const now = Date.now();
    const state = rolloutState(await nodes.list(), revision, committedAt, now);
    if (state.done) {
      const silent = state.nodes - state.live.length;
      const others = silent ? `; ${silent} silent engine(s) reload before they rate again` : '';
      return state.live.length === 0 && !silent
        ? 'no serving engine is running: the next one to start loads it'
        : `live on ${state.live.length} serving engine(s)${others}`;
    }
    if (now >= deadline) {
      throw new Error(
        `published, but ${state.behind.length} serving engine(s) did not confirm revision ${revision} within ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
          `${state.behind.map(describe).join(', ')}; each reloads before it rates again, or refuses`,
      );
    }
    if (!told && now - committedAt > 1000 && state.behind.length > 0) {
      log(`waiting for ${state.behind.map(describe).join(', ')} to load revision ${revision}…`);
      told = true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const waitOption = () =>
  new Option('--wait <seconds>', 'how long to wait for every serving engine to rate on the change').default('10');

export function parseWait(text: string): number {
  if (!/^\d{1,4}(\.\d+)?$/.test(text)) throw new Error(`--wait must be a number of seconds, not ${JSON.stringify(text)}`);
  return Number(text) * 1000;
}

/** After a change to the catalog: brings the read models up to it, then waits until every serving engine rates on it. */
export async function rollOut(engine: CommandEngine, waitMs: number): Promise<string> {
  const committedAt = Date.now();
  await engine.rating.sync();
  const { revision } = engine.lookup.lastRead();
  return awaitRollout(await engine.servingNodes(), revision, committedAt, waitMs, (line) => process.stderr.write(`${line}\n`));
}
