import { sqliteReadModelStore } from '../../../adapters/read-models/sqlite';
import { awaitRollout } from '../../../adapters/cli/await-rollout';
import { LIVE_MS, STALE_MS, rolloutState, servingNodes, type ServingNode } from '../../../projections/rates/serving-nodes';

const node = (id: string, revision: number, seenAt: number): ServingNode => ({ nodeId: id, host: 'h', pid: 1, revision, seenAt });

describe('rolloutState', () => {
  const now = 1_000_000;
  test('done when every live node confirmed the revision and STALE_MS passed since the commit', () => {
    const nodes = [node('a', 10, now - 100), node('b', 12, now - 400)];
    expect(rolloutState(nodes, 10, now - 50, now).done).toBe(false);
    expect(rolloutState(nodes, 10, now - STALE_MS, now).done).toBe(true);
  });
  test('with no node registered it still waits STALE_MS: a node may be starting, unseen', () => {
    expect(rolloutState([], 10, now - 50, now).done).toBe(false);
    expect(rolloutState([], 10, now - STALE_MS, now).done).toBe(true);
  });
  test('a live node below the revision holds the rollout', () => {
    const s = rolloutState([node('a', 10, now - 100), node('b', 9, now - 400)], 10, now - STALE_MS, now);
    expect(s.done).toBe(false);
    expect(s.behind.map((n) => n.nodeId)).toEqual(['b']);
  });
  test('a node registered but not loaded (-1) holds it too', () => {
    expect(rolloutState([node('a', -1, now - 10)], 10, now - STALE_MS, now).done).toBe(false);
  });
  test('a silent node does not hold it past STALE_MS after the commit: it must read again before rating', () => {
    const silent = node('gone', 3, now - LIVE_MS - 1);
    expect(rolloutState([silent], 10, now - STALE_MS + 1, now).done).toBe(false);
    expect(rolloutState([silent], 10, now - STALE_MS, now).done).toBe(true);
  });
});

describe('awaitRollout', () => {
  test('fails naming the node that did not confirm, and succeeds once it does', async () => {
    const rm = await sqliteReadModelStore(':memory:');
    try {
      const nodes = servingNodes(rm);
      await nodes.confirm({ nodeId: 'n1', host: 'edge-1', pid: 4242, revision: 7, seenAt: Date.now() });
      const lines: string[] = [];
      // kept fresh but behind
      const keepAlive = setInterval(
        () => void nodes.confirm({ nodeId: 'n1', host: 'edge-1', pid: 4242, revision: 7, seenAt: Date.now() }),
        200,
      );
      try {
        await expect(awaitRollout(nodes, 9, Date.now() - STALE_MS, 300, (l) => lines.push(l))).rejects.toThrow(
          /1 serving engine\(s\) did not confirm revision 9 within [\d.]+ s: edge-1 pid 4242 \(at revision 7\)/,
        );
      } finally {
        clearInterval(keepAlive);
      }
      await nodes.confirm({ nodeId: 'n1', host: 'edge-1', pid: 4242, revision: 9, seenAt: Date.now() });
      await expect(awaitRollout(nodes, 9, Date.now() - STALE_MS, 300, () => undefined)).resolves.toBe('live on 1 serving engine(s)');
      await nodes.leave('n1');
      expect(await nodes.list()).toEqual([]);
    } finally {
      await rm.close();
    }
  });
});
