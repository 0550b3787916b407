import { Router } from 'express';
import { z } from 'zod';
import type { RouterDeps } from '../../../application/ports/plugin-api';
import { countsByType, listStreams } from '../../../projections/catalogue/queries';

const listQuery = z
  .object({
    prefix: z.string().max(200).optional(),
    after: z.string().max(512).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

/** GET /streams (paged by `after`) and GET /types. */
export function catalogueRouter(deps: RouterDeps): Router {
  const router = Router();
  router.get('/streams', async (req, res) => {
    const q = listQuery.parse(req.query);
    const streams = await listStreams(deps.readModels, q);
    const last = streams.length === q.limit ? streams[streams.length - 1]?.stream : undefined;
    res.json({ streams, ...(last ? { next: last } : {}) });
  });
  router.get('/types', async (_req, res) => {
    res.json({ types: await countsByType(deps.readModels) });
  });
  return router;
}
