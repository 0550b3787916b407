import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from '../runtime/metrics';
import { localOrigin } from './local-origin';
import { problem, problemFor } from './problem';

/** What a fast route answers: a status, a JSON body and any extra headers. */
export interface FastReply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A route on the money path (SIP hooks, sending a text) served without express's router, body
 * parser and response helpers: those cost as much CPU per request as the engine's own work.
 * The handler gets the raw body (at most `limitBytes`) and throws to refuse (any error maps to
 * problem+json exactly as on the express routes).
 */
export interface FastRoute {
  readonly method: 'POST';
  /** The full path, matched exactly (the query string aside). */
  readonly path: string;
  readonly limitBytes: number;
  handle(request: FastRequest): Promise<FastReply>;
}

export interface FastRequest {
  readonly method: string;
  /** The path and query as the client sent them. */
  readonly url: string;
  /** scheme://address:port of the socket it came in on (see local-origin.ts); never from Host. */
  readonly origin: string;
  readonly headers: IncomingMessage['headers'];
  /** Header lines as received: a signature covers these, repeated lines included. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(problem('invalid-request', 413, 'Bad Request', `the body is over ${limit} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(problem('invalid-request', 413, 'Bad Request', `the body is over ${limit} bytes`));
      } else chunks.push(chunk);
    });
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function send(res: ServerResponse, status: number, type: string, body: unknown, headers: Readonly<Record<string, string>> = {}) {
  const payload = JSON.stringify(body);
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', `${type}; charset=utf-8`);
  res.setHeader('Content-Length', Buffer.byteLength(payload));
  res.end(payload);
}

/**
 * Answers a request for a fast route and returns true, or returns false and leaves the request
 * alone (for express). Timed in the same histogram as every route.
 */
export function fastDispatcher(
  routes: readonly FastRoute[],
  deps: { metrics: Metrics; log: (error: unknown) => void },
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const table = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]));
  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const route = table.get(`${req.method ?? ''} ${q < 0 ? url : url.slice(0, q)}`);
    if (!route) return false;
    const end = deps.metrics.httpSeconds.startTimer({ method: route.method, route: route.path });
    const origin = localOrigin(req.socket);
    readBody(req, route.limitBytes)
      .then((body) => route.handle({ method: route.method, url, origin, headers: req.headers, rawHeaders: req.rawHeaders, body }))
      .then(
        (reply) => send(res, reply.status, 'application/json', reply.body, reply.headers),
        (error: unknown) => {
          const { problem: p, headers } = problemFor(error, deps.log);
          send(res, p.status, 'application/problem+json', { ...p, instance: p.instance ?? url }, headers);
        },
      )
      .finally(() => end({ status: String(res.statusCode) }));
    return true;
  };
}

/** The body as JSON: an empty body is `{}`; anything unparsable is a 400 problem. */
export function jsonBody(request: FastRequest): unknown {
  if (request.body.length === 0) return {};
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/(.+\+)?json/.test(type))
    throw problem('invalid-request', 415, 'Unsupported Media Type', 'the body must be application/json');
  try {
    return JSON.parse(request.body.toString('utf8')) as unknown;
  } catch {
    throw problem('invalid-request', 400, 'Bad Request', 'the body is not valid JSON');
  }
}
