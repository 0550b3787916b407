import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { carrierQualityReport, liabilityReport, marginReport, paymentsReport } from '../../../projections/finance/reports';
import { absorbedReport } from '../../../projections/finance/absorbed';
import { flatRows, reportQuery } from '../../../projections/finance/query';
import { flatQualityRows, qualityQuery, qualityReport } from '../../../projections/quality/report';
import type { ReadModelStore } from '../../../application/ports/read-model-store';
import { csv } from '../../../application/reports/csv';
import { requireRole, requireSignature, type SignatureDeps } from '../signatures/middleware';

export interface FinanceRouterDeps {
  readonly readModels: ReadModelStore;
  readonly signatures: SignatureDeps;
}

const liabilityQuery = z.object({ asOf: z.coerce.number().int().min(0).optional(), format: z.enum(['json', 'csv']).optional() }).strict();

/** JSON, or CSV when asked (format=csv or Accept: text/csv); `asOf` is echoed so a report can be asked again identically. */
function send(
  req: Request,
  res: Response,
  format: string | undefined,
  body: { asOf: number; rows: readonly object[] },
  /** The rows as CSV shows them, when not the JSON rows flattened. */
  csvRows: readonly object[] = body.rows,
): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Trunkline-As-Of', String(body.asOf));
  if (format === 'csv' || (!format && req.accepts(['application/json', 'text/csv']) === 'text/csv')) {
    res.type('text/csv').send(csv(flatRows(csvRows)));
    return;
  }
  res.json(body);
}

/** Read-only finance reports for operators with the `finance` (or `admin`) role. */
export function financeRouter(deps: FinanceRouterDeps): Router {
  const router = Router();
  const guard = [...requireSignature(deps.signatures), requireRole('finance', 'admin')];
  router.get('/margin', ...guard, async (req, res) => {
    const q = reportQuery.parse(req.query);
    send(req, res, q.format, await marginReport(deps.readModels, q));
  });
  router.get('/payments', ...guard, async (req, res) => {
    const q = reportQuery.parse(req.query);
    send(req, res, q.format, await paymentsReport(deps.readModels, q));
  });
  router.get('/carriers', ...guard, async (req, res) => {
    const q = reportQuery.parse(req.query);
    send(req, res, q.format, await carrierQualityReport(deps.readModels, q));
  });
  router.get('/quality', ...guard, async (req, res) => {
    const q = qualityQuery.parse(req.query);
    const body = await qualityReport(deps.readModels, q);
    send(req, res, q.format, body, flatQualityRows(body.rows));
  });
  router.get('/absorbed', ...guard, async (req, res) => {
    const q = reportQuery.parse(req.query);
    send(req, res, q.format, await absorbedReport(deps.readModels, q));
  });
  router.get('/liability', ...guard, async (req, res) => {
    const q = liabilityQuery.parse(req.query);
    send(req, res, q.format, await liabilityReport(deps.readModels, q));
  });
  return router;
}
