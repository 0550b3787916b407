import type { ReadModelStore } from '../../application/ports/read-model-store';

/**
 * Serving engines confirm here which catalog revision their in-memory rates are at. An operator's
 * import waits on these rows: its success means every live node rates on the new catalog.
 */
export interface ServingNode {
  readonly nodeId: string;
  readonly host: string;
  readonly pid: number;
  /** -1: registered, not loaded yet. */
  readonly revision: number;
  /** Wall-clock ms when the node read that revision (before loading it). */
  readonly seenAt: number;
}

/** A node that has not confirmed for this long is taken for gone; a live node confirms every half second. */
export const LIVE_MS = 5_000;
/**
 * A node whose last confirmation is older than this reloads before it rates anything (or refuses):
 * shorter than LIVE_MS, so a node taken for gone cannot rate on what it loaded before an import.
 */
export const STALE_MS = 2_000;
/** Rows of nodes gone this long are deleted. */
const FORGET_MS = 3_600_000;

interface Row {
  node_id: string;
  host: string;
  pid: number | string;
  revision: number | string;
  seen_at: number | string;
}

/** `readModels`: the store the registry lives in (see openServingNodesStore), closed by its owner. */
export function servingNodes(readModels: ReadModelStore) {
  let ready: Promise<void> | null = null;
  const migrate = () =>
    (ready ??= readModels.migrate(async (tx) => {
      await tx.run(`CREATE TABLE IF NOT EXISTS rate_serving_nodes (
        node_id TEXT PRIMARY KEY, host TEXT NOT NULL, pid INTEGER NOT NULL, revision BIGINT NOT NULL, seen_at BIGINT NOT NULL)`);
    }));
  return {
    async confirm(node: ServingNode): Promise<void> {
      await migrate();
      await readModels.transaction(async (tx) => {
        await tx.run(
          `INSERT INTO rate_serving_nodes (node_id, host, pid, revision, seen_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (node_id) DO UPDATE SET revision = excluded.revision, seen_at = excluded.seen_at`,
          [node.nodeId, node.host, node.pid, node.revision, node.seenAt],
        );
        await tx.run('DELETE FROM rate_serving_nodes WHERE seen_at < ?', [node.seenAt - FORGET_MS]);
      });
    },
    async leave(nodeId: string): Promise<void> {
      await migrate();
      await readModels.transaction((tx) => tx.run('DELETE FROM rate_serving_nodes WHERE node_id = ?', [nodeId]));
    },
    async list(): Promise<ServingNode[]> {
      await migrate();
      const rows = await readModels.query<Row>('SELECT * FROM rate_serving_nodes ORDER BY node_id');
      return rows.map((r) => ({
        nodeId: r.node_id,
        host: r.host,
        pid: Number(r.pid),
        revision: Number(r.revision),
        seenAt: Number(r.seen_at),
      }));
    },
  };
}

export type ServingNodes = ReturnType<typeof servingNodes>;

export interface RolloutState {
  /** Every registered node, live or silent. */
  readonly nodes: number;
  readonly live: readonly ServingNode[];
  /** Live nodes still below the revision. */
  readonly behind: readonly ServingNode[];
  readonly done: boolean;
}

/**
 * Whether revision `revision`, committed at `committedAt`, is what every serving node rates on at
 * `now`: STALE_MS has passed since the commit, so any node rates only on a read made after it
 * (one the registry cannot see included: a node starting, one whose confirmation failed, a
 * silent one coming back); and every live node confirmed it, so none is still loading it.
 */
export function rolloutState(nodes: readonly ServingNode[], revision: number, committedAt: number, now: number): RolloutState {
  const live = nodes.filter((n) => n.seenAt >= now - LIVE_MS);
  const behind = live.filter((n) => n.revision < revision);
  return { nodes: nodes.length, live, behind, done: behind.length === 0 && now >= committedAt + STALE_MS };
}
