import { createServer, type RequestListener, type Server } from 'node:http';
import express, { type Express, type Router } from 'express';
import type { Logger } from 'pino';
import { fastDispatcher, type FastRoute } from './fast-routes';
import { errorHandler, notFound } from './problem';
import type { Metrics } from '../runtime/metrics';
import { redactUrl } from '../runtime/redact';

export interface HttpAppDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly routers: readonly { readonly path: string; readonly router: Router }[];
  /** Hot routes answered before express routes anything (see fast-routes.ts). */
  readonly fastRoutes?: readonly FastRoute[];
}

interface StackLayer {
  readonly route?: { readonly path: string; readonly methods: Record<string, boolean> };
  /** A router `use`d without a path (a guarded one's inner router) serves its routes at its parent's path. */
  readonly slash?: boolean;
  readonly handle?: { readonly stack?: unknown };
}

function routesOf(path: string, stack: readonly StackLayer[], out: Set<string>): void {
  for (const layer of stack) {
    if (layer.slash && Array.isArray(layer.handle?.stack)) routesOf(path, layer.handle.stack as StackLayer[], out);
    if (!layer.route) continue;
    const full = `${path === '/' ? '' : path}${layer.route.path === '/' ? '' : layer.route.path}`.replace(/:(\w+)/g, '{$1}') || '/';
    for (const method of Object.keys(layer.route.methods)) out.add(`${method.toUpperCase()} ${full}`);
  }
}

/**
 * Every `METHOD /path` the routers serve, with `:param` written `{param}` as OpenAPI does; a
 * route guarded by one router and answered by another is listed once.
 */
export function listRoutes(routers: HttpAppDeps['routers']): string[] {
  const out = new Set<string>();
  for (const { path, router } of routers) routesOf(path, router.stack as StackLayer[], out);
  return [...out].sort();
}

/**
 * The HTTP app: the fast routes, answered before express sees the request (its request setup
 * and router cost as much as a hook's own work), then express's routers. Serve it with `listen`
 * or `createServer`, or hand `handle` to a server of your own; `express` alone has no fast routes.
 */
export interface HttpApp {
  /** Every `METHOD /path` served, fast routes included. */
  readonly routes: readonly string[];
  /** The express part: timing, routers, then problem+json for anything unmatched or failed. */
  readonly express: Express;
  /** The request listener serving both: a fast route when one matches, else express. */
  readonly handle: RequestListener;
  /** A node server (not yet listening) whose requests go to `handle`. */
  createServer(): Server;
  /** Listens on `port` and `host`; resolves once the server listens. */
  listen(port: number, host?: string): Promise<Server>;
}

export function createHttpApp(deps: HttpAppDeps): HttpApp {
  const fast = deps.fastRoutes ?? [];
  const routes = [...listRoutes(deps.routers), ...fast.map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`)].sort();
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', 'strong');
  const dispatchFast = fastDispatcher(fast, { metrics: deps.metrics, log: (error) => deps.logger.error({ err: error }, 'request failed') });
  const handle: RequestListener = (req, res) => void (dispatchFast(req, res) || app(req, res));
  app.use((req, res, next) => {
    const end = deps.metrics.httpSeconds.startTimer({ method: req.method });
    res.on('finish', () => {
      // the matched route pattern, never the raw path: raw paths would explode label cardinality
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      end({ route, status: String(res.statusCode) });
      // the dashboard's sign-in link carries its token in the query
      deps.logger.debug({ method: req.method, url: redactUrl(req.originalUrl), status: res.statusCode }, 'http');
    });
    next();
  });
  for (const r of deps.routers) app.use(r.path, r.router);
  app.use(notFound);
  app.use(errorHandler((error) => deps.logger.error({ err: error }, 'request failed')));
  return {
    routes,
    express: app,
    handle,
    createServer: () => createServer(handle),
    listen: (port, host) =>
      new Promise<Server>((resolve, reject) => {
        const server = createServer(handle);
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server);
        });
      }),
  };
}
