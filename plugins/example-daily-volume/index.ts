import { Router } from 'express';
import { definePlugin, type RouterDeps } from '../../application/ports/plugin-api';
import type { Projection } from '../../application/ports/projection';

/**
 * The example from docs/plugins.md: events recorded per UTC day (optionally only some types),
 * as a projection and a route for operators with the viewer or admin role. Enable it with
 * `"plugins": ["./plugins/example-daily-volume"]`.
 */
export default definePlugin({
  name: 'example-daily-volume',
  register(host) {
    const types = Array.isArray(host.options['types']) ? host.options['types'].map(String) : undefined;
    const projection: Projection = {
      name: 'example-daily-volume',
      version: 1,
      ...(types ? { handles: types } : {}),
      async setup(tx) {
        await tx.run('CREATE TABLE IF NOT EXISTS example_daily_volume (day TEXT PRIMARY KEY, events BIGINT NOT NULL)');
      },
      async reset(tx) {
        await tx.run('DELETE FROM example_daily_volume');
      },
      async apply(event, tx) {
        await tx.run(
          `INSERT INTO example_daily_volume (day, events) VALUES (?, 1)
           ON CONFLICT (day) DO UPDATE SET events = example_daily_volume.events + 1`,
          [event.recordedAt.slice(0, 10)],
        );
      },
    };
    host.addProjection(projection);
    const dailyVolume = ({ readModels }: RouterDeps) =>
      Router().get('/daily-volume', async (_req, res) => {
        const rows = await readModels.query<{ day: string; events: number | string }>(
          'SELECT day, events FROM example_daily_volume ORDER BY day',
        );
        res.json({ days: rows.map((r) => ({ day: r.day, events: Number(r.events) })) });
      });
    // the engine refuses any request under /v1/examples that is not signed by one of these operators
    host.addRouter('/v1/examples', dailyVolume, { roles: ['viewer', 'admin'] });
    host.logger.info({ types: types ?? 'all' }, 'daily volume example registered');
  },
});
