import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpApp } from '../../adapters/http/app';

/** Serves an app (the engine's, or a bare express app) on a free loopback port; the base URL and a close function. */
export async function listen(app: HttpApp | RequestListener): Promise<{ base: string; close: () => Promise<void> }> {
  const server =
    typeof app === 'function'
      ? await new Promise<Server>((resolve) => {
          const s = createServer(app).listen(0, '127.0.0.1', () => resolve(s));
        })
      : await app.listen(0, '127.0.0.1');
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
