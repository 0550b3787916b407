import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { DomainError } from '../../core/decider';
import type { RatesLookup } from '../../projections/rates/lookup';
import type { RatingSnapshot } from '../../application/ports/rates-source';
import { STALE_MS, type ServingNodes } from '../../projections/rates/serving-nodes';

/** How often a serving engine looks at the catalog revision: one small read when nothing changed. */
export const FOLLOW_MS = 500;

export class RatesNotCurrentError extends DomainError {
  constructor(detail: string) {
    super('rates-not-current', detail, { retryAfterSeconds: 1 });
  }
}

/**
 * Keeps a serving engine's in-memory rates at the catalog's revision whoever changed it (a CLI
 * import, another node's projector), confirms the revision in the serving-node registry, and
 * guards rating: with no read of the revision for STALE_MS (a stalled loop, a store that cannot
 * be read) the engine reloads before it rates, and refuses when it cannot.
 */
export function ratesFollower(deps: {
  readonly lookup: RatesLookup;
  readonly nodes: ServingNodes;
  readonly logger: Logger;
  /** The snapshot changed: rebuild what is derived from it off the request path. */
  readonly onChange: (snapshot: RatingSnapshot) => void;
  readonly everyMs?: number;
}) {
  const node = { nodeId: randomUUID(), host: hostname(), pid: process.pid };
  let confirmedAt = -Infinity;
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<void> | null = null;
  let failing = false;
  let stopped = false;

  async function once(): Promise<void> {
    if (stopped) return;
    const before = deps.lookup.current();
    const snapshot = await deps.lookup.refresh();
    const { revision, readAt } = deps.lookup.lastRead();
    // fresh as of the read, whatever the registry: a command waits STALE_MS after its commit in
    // any case, so a node it cannot see has read again (and loaded the change) before it rates
    confirmedAt = readAt;
    if (snapshot !== before) deps.onChange(snapshot);
    if (failing) deps.logger.info({ revision }, 'rates follow the catalog again');
    failing = false;
    // the registry says who is behind, so a command can wait for them and name them
    await deps.nodes
      .confirm({ ...node, revision, seenAt: readAt })
      .catch((err: unknown) => deps.logger.warn({ err }, 'cannot confirm the rates revision in the serving-node registry'));
  }

  /** One look at the catalog; concurrent callers share it. */
  const tick = (): Promise<void> =>
    (ticking ??= once()
      .catch((err: unknown) => {
        if (!failing) deps.logger.error({ err }, 'cannot follow the rates catalog: rating refuses once its rates are stale');
        failing = true;
      })
      .finally(() => (ticking = null)));

  return {
    node,
    async start(): Promise<void> {
      // registered before the first read: an import committed meanwhile waits for this node too
      await deps.nodes.confirm({ ...node, revision: -1, seenAt: Date.now() });
      await tick();
      const loop = () => {
        timer = setTimeout(() => void tick().finally(() => !stopped && loop()), deps.everyMs ?? FOLLOW_MS);
        timer.unref();
      };
      loop();
    },
    /** Resolves when the rates are confirmed current within STALE_MS; else reloads first, or refuses. */
    async ensureCurrent(): Promise<void> {
      if (Date.now() - confirmedAt <= STALE_MS) return;
      // twice: the look in flight may have read before the stall (a paused process, a slow store)
      for (let i = 0; i < 2 && Date.now() - confirmedAt > STALE_MS; i++) await tick();
      if (Date.now() - confirmedAt > STALE_MS)
        throw new RatesNotCurrentError('the rates cannot be confirmed current (the rates store cannot be read); try again shortly');
    },
    /** Milliseconds since the rates were last known current (Infinity before the first read). */
    age: (): number => Date.now() - confirmedAt,
    /** Looks now (after a local projection batch) instead of at the next tick. */
    poke: (): Promise<void> => tick(),
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await ticking;
      await deps.nodes.leave(node.nodeId).catch(() => undefined);
    },
  };
}

export type RatesFollower = ReturnType<typeof ratesFollower>;
