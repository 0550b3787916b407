import { Router } from 'express';
import pino from 'pino';
import { createHttpApp } from '../../../adapters/http/app';
import { jsonBody, type FastRoute } from '../../../adapters/http/fast-routes';
import { problem } from '../../../adapters/http/problem';
import { createMetrics } from '../../../adapters/runtime/metrics';
import { DomainError } from '../../../core/decider';
import { listen } from '../../support/listen';

describe('fast routes (answered before express)', () => {
  const metrics = createMetrics();
  const logged: unknown[] = [];
  const seen: { url: string; origin: string; body: unknown }[] = [];
  const echo: FastRoute = {
    method: 'POST',
    path: '/v1/echo',
    limitBytes: 100,
    async handle(request) {
      const body = jsonBody(request) as { fail?: string };
      seen.push({ url: request.url, origin: request.origin, body });
      if (body.fail === 'domain') throw new DomainError('sms-rate-limited', 'slow down', { retryAfterSeconds: 7 });
      if (body.fail === 'problem') throw problem('teapot', 418, "I'm a teapot");
      if (body.fail === 'bug') throw new Error('a bug');
      return { status: 201, body: { echoed: body }, headers: { Location: '/v1/echo/1' } };
    },
  };
  const slow = Router().get('/echo', (_req, res) => void res.json({ from: 'express' }));
  const app = createHttpApp({
    logger: pino({ level: 'error' }, { write: (line: string) => void logged.push(JSON.parse(line)) }),
    metrics,
    routers: [{ path: '/v1', router: slow }],
    fastRoutes: [echo],
  });
  let base = '';
  let close: () => Promise<void> = async () => undefined;
  beforeAll(async () => ({ base, close } = await listen(app)));
  afterAll(() => close());
  const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }, path = '/v1/echo') =>
    fetch(`${base}${path}`, { method: 'POST', headers, body });

  it('answers its route with the handler’s status, headers and JSON body, query string aside', async () => {
    const r = await post('{"a":1}', { 'content-type': 'application/json' }, '/v1/echo?x=1');
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toBe('/v1/echo/1');
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await r.json()).toEqual({ echoed: { a: 1 } });
    expect(seen.at(-1)).toEqual({ url: '/v1/echo?x=1', origin: base, body: { a: 1 } });
  });

  it('leaves every other method and path to express, and lists its routes with them', async () => {
    expect(await (await fetch(`${base}/v1/echo`)).json()).toEqual({ from: 'express' });
    const missing = await post('{}', { 'content-type': 'application/json' }, '/v1/echo/more');
    expect(missing.status).toBe(404);
    expect(app.routes).toEqual(['GET /v1/echo', 'POST /v1/echo']);
  });

  it('refuses bad bodies with problem+json before the handler runs', async () => {
    const before = seen.length;
    const cases: [string, Record<string, string>, number][] = [
      ['{"a":', { 'content-type': 'application/json' }, 400],
      ['a=1', { 'content-type': 'application/x-www-form-urlencoded' }, 415],
      [JSON.stringify({ big: 'x'.repeat(200) }), { 'content-type': 'application/json' }, 413],
    ];
    for (const [body, headers, status] of cases) {
      const r = await post(body, headers);
      expect(r.status).toBe(status);
      expect(r.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
      expect(await r.json()).toMatchObject({ status, instance: '/v1/echo' });
    }
    expect(seen.length).toBe(before);
  });

  it('maps thrown errors as the express routes do: domain codes, problems, and a logged 500', async () => {
    const limited = await post('{"fail":"domain"}');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(await limited.json()).toMatchObject({ type: 'https://trunkline.dev/problems/sms-rate-limited', retryAfterSeconds: 7 });
    expect((await post('{"fail":"problem"}')).status).toBe(418);
    const bug = await post('{"fail":"bug"}');
    expect(bug.status).toBe(500);
    expect(JSON.stringify(await bug.json())).not.toContain('a bug');
    expect(logged.some((l) => (l as { err?: Error }).err?.message === 'a bug')).toBe(true);
  });

  it('times every answer in the HTTP histogram under the route’s path', async () => {
    const text = await metrics.registry.getSingleMetricAsString('trunkline_http_request_seconds');
    expect(text).toMatch(/trunkline_http_request_seconds_count\{method="POST",route="\/v1\/echo",status="201"\} [1-9]/);
    expect(text).toMatch(/route="\/v1\/echo",status="413"/);
  });
});
