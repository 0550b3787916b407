import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { liabilityTrend } from '../../../projections/finance/liability-trend';
import { reportQuery } from '../../../projections/finance/query';
import { carrierQualityReport, liabilityReport, marginReport, paymentsReport } from '../../../projections/finance/reports';
import type { ReadModelStore } from '../../../application/ports/read-model-store';
import { LinkRejected, sessionSigner, verifyDashboardLink } from '../dashboard/link-token';
import { problem } from '../problem';
import { SpentNoncesUnavailableError, type SpentNonces } from '../../../application/ports/spent-nonces';

export interface DashboardDeps {
  readonly readModels: ReadModelStore;
  /** Operators (config) whose roles may open it: finance or admin. */
  readonly operators: readonly { readonly id: string; readonly publicKey: string; readonly roles: readonly string[] }[];
  readonly now: () => Date;
  /** Links used: a link signs in once, across restarts and nodes. */
  readonly nonces: SpentNonces;
  readonly linkMaxTtlSeconds: number;
  readonly sessionSeconds: number;
}

const COOKIE = 'trunkline_finance';
const ASSETS = join(__dirname, '..', 'dashboard', 'assets');
// read once: the page is static, its data comes from /finance/data
const DASHBOARD_HTML = readFileSync(join(ASSETS, 'dashboard.html'), 'utf8');
const CHART_JS = join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');
// a Map, not an object literal: `constructor` or `__proto__` must be unknown assets, not a crash
const ASSET_FILES = new Map([
  ['chart.umd.min.js', CHART_JS],
  ['dashboard.js', join(ASSETS, 'dashboard.js')],
  ['dashboard.css', join(ASSETS, 'dashboard.css')],
]);
// no inline script or style, nothing from elsewhere: the page only talks to this engine
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const page = (body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Trunkline finance</title><link rel="stylesheet" href="/finance/assets/dashboard.css"></head><body>${body}</body></html>`;

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function cookieOf(req: Request): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return value.join('=');
  }
  return undefined;
}

/**
 * GET /finance: the finance dashboard (revenue, cost and margin over time, top destinations,
 * carrier share and quality, liability, payments and refunds). Signed in by a short-lived link
 * an operator's key signed (`trunkline finance dashboard-link`), never a password; the session
 * is a signed cookie (HttpOnly, SameSite=Strict, path /finance). Its data routes serve the same
 * reports as /v1/finance, read-only.
 */
export function financeDashboardRouter(deps: DashboardDeps): Router {
  const router = Router();
  const sessions = sessionSigner();
  const seconds = () => Math.floor(deps.now().getTime() / 1000);
  const allowed = (id: string) => deps.operators.find((o) => o.id === id && o.roles.some((r) => r === 'finance' || r === 'admin')) ?? null;
  const html = (res: Response, status: number, body: string) => {
    res.status(status).setHeader('Content-Security-Policy', CSP).setHeader('Cache-Control', 'no-store').type('html').send(page(body));
  };
  const signedIn = (req: Request) => {
    const op = sessions.verify(cookieOf(req), seconds());
    return op && allowed(op) ? op : null;
  };

  router.get('/login', async (req, res) => {
    const token = typeof req.query['token'] === 'string' ? req.query['token'] : '';
    try {
      const claims = verifyDashboardLink(token, {
        publicKeyOf: (id) => allowed(id)?.publicKey ?? null,
        nowSeconds: seconds(),
        maxTtlSeconds: deps.linkMaxTtlSeconds,
      });
      const spent = await deps.nonces
        .spend(JSON.stringify(['dashboard', claims.op, claims.nonce]), claims.exp * 1000, deps.now().getTime())
        .catch((error: unknown) => {
          if (error instanceof SpentNoncesUnavailableError)
            throw problem('replay-protection-unavailable', 503, 'Service Unavailable', 'the link cannot be recorded as used now; retry');
          throw error;
        });
      if (!spent) throw new LinkRejected('the link was used already: ask for a new one');
      const secure = req.secure ? '; Secure' : '';
      res.setHeader(
        'Set-Cookie',
        `${COOKIE}=${sessions.issue(claims.op, seconds() + deps.sessionSeconds)}; Path=/finance; HttpOnly; SameSite=Strict; Max-Age=${deps.sessionSeconds}${secure}`,
      );
      res.setHeader('Cache-Control', 'no-store');
      res.redirect(303, '/finance');
    } catch (error) {
      if (!(error instanceof LinkRejected)) throw error;
      html(
        res,
        401,
        `<main class="signin"><h1>Trunkline finance</h1><p id="error">${escapeHtml(error.message)}.</p><p>An operator prints a sign-in link with <code>trunkline finance dashboard-link</code>.</p></main>`,
      );
    }
  });

  router.get('/', (req, res) => {
    if (!signedIn(req))
      return html(
        res,
        401,
        '<main class="signin"><h1>Trunkline finance</h1><p id="error">Not signed in.</p><p>An operator prints a sign-in link with <code>trunkline finance dashboard-link</code>.</p></main>',
      );
    html(res, 200, DASHBOARD_HTML);
  });

  router.get('/assets/:file', (req, res) => {
    const file = ASSET_FILES.get(String(req.params['file']));
    if (!file) throw problem('not-found', 404, 'Not Found', `no asset ${req.params['file']}`);
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.sendFile(file);
  });

  router.get('/data/:report', async (req, res) => {
    if (!signedIn(req)) throw problem('not-signed-in', 401, 'Unauthorized', 'sign in with a link from `trunkline finance dashboard-link`');
    res.setHeader('Cache-Control', 'no-store');
    switch (req.params['report']) {
      case 'margin':
        return void res.json(await marginReport(deps.readModels, reportQuery.parse(req.query)));
      case 'payments':
        return void res.json(await paymentsReport(deps.readModels, reportQuery.parse(req.query)));
      case 'carriers':
        return void res.json(await carrierQualityReport(deps.readModels, reportQuery.parse(req.query)));
      case 'liability':
        return void res.json(
          await liabilityReport(deps.readModels, z.object({ asOf: z.coerce.number().int().min(0).optional() }).parse(req.query)),
        );
      case 'liability-trend':
        return void res.json(await liabilityTrend(deps.readModels, reportQuery.parse(req.query)));
      default:
        throw problem('not-found', 404, 'Not Found', `no report ${req.params['report']}`);
    }
  });
  return router;
}
