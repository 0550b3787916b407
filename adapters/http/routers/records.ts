import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ReadModelStore } from '../../../application/ports/read-model-store';
import { csv } from '../../../application/reports/csv';
import { callerView, callRecords, operatorView } from '../../../projections/records/call-queries';
import { decodeCursor, type Page } from '../../../projections/records/page';
import { callFilter, callOutcome, textFilter, textStatus, timeFilter } from '../../../projections/records/filters';
import { operatorTextView, senderView, textRecords } from '../../../projections/records/text-queries';
import { callRows, textRows } from '../../../application/reports/record-rows';
import { problem } from '../problem';
import { callerOf, requireRole, requireSignature, type SignatureDeps } from '../signatures/middleware';

export interface RecordsRouterDeps {
  readonly readModels: ReadModelStore;
  readonly signatures: SignatureDeps;
}

const cursor = z
  .string()
  .max(512)
  .refine(
    (c) => {
      try {
        decodeCursor(c);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'must be the `next` of a previous page' },
  );
const page = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: cursor.optional(),
  format: z.enum(['json', 'csv']).optional(),
};
const myCalls = z.object({ ...page, ...timeFilter, outcome: callOutcome.optional() }).strict();
const myTexts = z.object({ ...page, ...timeFilter, status: textStatus.optional() }).strict();
const allCalls = callFilter.extend(page).strict();
const allTexts = textFilter.extend(page).strict();

const me = (res: Response): string => {
  const caller = callerOf(res);
  if (caller.kind !== 'number') throw problem('number-key-required', 403, 'Forbidden', 'this is a number’s own resource');
  return caller.keyid;
};

const only = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };

/** JSON `{items, next}`, or the page's rows as CSV with the next page in a `Link` header. */
function send<T extends object>(
  req: Request,
  res: Response,
  format: string | undefined,
  body: Page<T>,
  rows: (items: readonly T[]) => Record<string, string | number | null>[],
): void {
  res.setHeader('Cache-Control', 'no-store');
  if (body.next !== null) {
    const next = new URL(req.originalUrl, 'http://x');
    next.searchParams.set('cursor', body.next);
    res.setHeader('Link', `<${next.pathname}${next.search}>; rel="next"`);
  }
  if (format === 'csv' || (!format && req.accepts(['application/json', 'text/csv']) === 'text/csv'))
    return void res.type('text/csv').send(csv(rows(body.items)));
  res.json(body);
}

/** GET /v1/accounts/me/calls and /me/texts: a number's own records, signed by its key. */
export function myRecordsRouter(deps: RecordsRouterDeps): Router {
  const router = Router();
  const signed = requireSignature(deps.signatures);
  router.get('/me/calls', ...signed, async (req, res) => {
    const q = myCalls.parse(req.query);
    const filter = only({ number: me(res), outcome: q.outcome, since: q.since, until: q.until });
    send(req, res, q.format, await callRecords(deps.readModels, callerView, filter, only({ limit: q.limit, cursor: q.cursor })), callRows);
  });
  router.get('/me/texts', ...signed, async (req, res) => {
    const q = myTexts.parse(req.query);
    const filter = only({ number: me(res), status: q.status, since: q.since, until: q.until });
    send(req, res, q.format, await textRecords(deps.readModels, senderView, filter, only({ limit: q.limit, cursor: q.cursor })), textRows);
  });
  return router;
}

/** GET /v1/calls and /v1/texts: every account's records, for operators with `admin` or `finance`. */
export function operatorRecordsRouter(deps: RecordsRouterDeps): Router {
  const router = Router();
  const guard = [...requireSignature(deps.signatures), requireRole('admin', 'finance')];
  router.get('/calls', ...guard, async (req, res) => {
    const q = allCalls.parse(req.query);
    const filter = only({ number: q.account, carrier: q.carrier, prefix: q.prefix, outcome: q.outcome, since: q.since, until: q.until });
    send(
      req,
      res,
      q.format,
      await callRecords(deps.readModels, operatorView, filter, only({ limit: q.limit, cursor: q.cursor })),
      callRows,
    );
  });
  router.get('/texts', ...guard, async (req, res) => {
    const q = allTexts.parse(req.query);
    const filter = only({ number: q.account, gateway: q.gateway, prefix: q.prefix, status: q.status, since: q.since, until: q.until });
    send(
      req,
      res,
      q.format,
      await textRecords(deps.readModels, operatorTextView, filter, only({ limit: q.limit, cursor: q.cursor })),
      textRows,
    );
  });
  return router;
}
