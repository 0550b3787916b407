import express, { Router, type Request, type Response } from 'express';
import { UnratedDestinationError } from '../../../core/rating/cost';
import { z, ZodError } from 'zod';
import { parseCallDuration } from '../../../core/rating/duration';
import { csv } from '../../../application/reports/csv';
import { quoteJson } from '../../../application/rating/quote-json';
import type { RouterDeps } from '../../../application/ports/plugin-api';
import { markedEtag, withRiskMarks } from '../../../application/rating/risk-marks';
import { riskClassOf, riskClassOfPrefix, type RiskPrefixes } from '../../../core/rating/risk-classes';
import { parseE164 } from '../../../core/e164';

const quoteBody = z
  .object({
    plan: z.string().min(1).optional(),
    profile: z.string().min(1).optional(),
    destination: z.string().min(1),
    start: z.iso.datetime({ offset: true }).optional(),
    duration: z.union([z.number().int().min(0), z.string().min(1)]),
  })
  .strict();

/** POST /v1/quotes, and the public retail sheet: GET /v1/rates (JSON or CSV) and ?destination=. */
export function ratesRouter(deps: RouterDeps): Router {
  const router = Router();
  router.post('/quotes', express.json({ limit: '16kb' }), async (req, res) => {
    const body = quoteBody.parse(req.body ?? {});
    await deps.rating.ensureCurrent();
    const start = body.start ? new Date(body.start) : deps.clock.now();
    const duration = parseCallDuration(String(body.duration));
    if (body.plan !== undefined && body.profile !== undefined)
      throw new ZodError([{ code: 'custom', path: ['profile'], message: 'give plan or profile, not both', input: body }]);
    const quote = deps.rating.quote({
      ...(body.profile !== undefined ? { profileId: body.profile } : { planId: body.plan ?? 'retail' }),
      number: body.destination,
      start,
      duration,
    });
    res.json({ ...quoteJson(quote, start, duration), sheetVersion: deps.rating.current().revision });
  });
  router.get('/rates', async (req, res) => {
    const q = z
      .object({
        destination: z.string().min(1).optional(),
        format: z.enum(['json', 'csv']).optional(),
        service: z.enum(['voice', 'sms']).default('voice'),
      })
      .strict()
      .parse(req.query);
    await deps.rating.ensureCurrent();
    const risk = deps.rating.riskPrefixes();
    if (q.service === 'sms') return void smsSheet(q.destination, q.format, req, res, risk);
    const { retail: sheet, revision: sheetVersion } = deps.rating.current();
    if (q.destination) {
      const quote = deps.rating.quote({
        planId: 'retail',
        number: q.destination,
        start: deps.clock.now(),
        duration: parseCallDuration('60'),
      });
      const row = sheet.rows.find((r) => r.prefix === quote.matchedPrefix)!;
      // the number's own class: a premium-rate number in a row that is not all premium-rate is still one
      const riskClass = riskClassOf(parseE164(quote.number), risk);
      res.json({ number: quote.number, currency: sheet.currency, sheetVersion, ...row, riskClass });
      return;
    }
    const etag = markedEtag(sheet.etag, risk);
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'public, max-age=60');
    if (req.headers['if-none-match'] === etag) {
      res.status(304).end();
      return;
    }
    const rows = withRiskMarks(sheet.rows, risk);
    const wantsCsv = q.format === 'csv' || (!q.format && req.accepts(['application/json', 'text/csv']) === 'text/csv');
    if (wantsCsv) {
      res.type('text/csv').send(csv(rows.map((r) => ({ ...r, currency: sheet.currency }))));
      return;
    }
    res.json({ currency: sheet.currency, builtAt: sheet.builtAt, sheetVersion, rates: rows });
  });
  /** The SMS sheet: a price per segment for every prefix an SMS gateway reaches. */
  function smsSheet(
    destination: string | undefined,
    format: 'json' | 'csv' | undefined,
    req: Request,
    res: Response,
    risk: RiskPrefixes,
  ): void {
    const { smsRetail: sheet, revision: sheetVersion } = deps.rating.current();
    const rows = sheet.rows.map((r) => ({
      prefix: r.prefix,
      destination: r.destination,
      pricePerSegment: r.ratePerMinute,
      riskClass: riskClassOfPrefix(r.prefix, risk),
    }));
    if (destination) {
      const routes = deps.rating.smsRoutes(destination, deps.clock.now());
      const row = routes.retail ? rows.find((r) => r.prefix === routes.retail!.prefix) : undefined;
      if (!row) throw new UnratedDestinationError('retail-sms', routes.number.slice(1));
      res.json({
        number: routes.number,
        currency: sheet.currency,
        sheetVersion,
        ...row,
        riskClass: riskClassOf(parseE164(routes.number), risk),
      });
      return;
    }
    const etag = markedEtag(sheet.etag, risk).replace(/"$/, '-sms"');
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'public, max-age=60');
    if (req.headers['if-none-match'] === etag) return void res.status(304).end();
    if (format === 'csv' || (!format && req.accepts(['application/json', 'text/csv']) === 'text/csv')) {
      res.type('text/csv').send(csv(rows.map((r) => ({ ...r, currency: sheet.currency }))));
      return;
    }
    res.json({ currency: sheet.currency, builtAt: sheet.builtAt, sheetVersion, service: 'sms', rates: rows });
  }
  return router;
}
