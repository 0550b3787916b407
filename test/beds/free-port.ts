import { createServer } from 'node:net';

/**
 * Ports this process has handed out: the kernel may give a just-closed port again at once, and a
 * bed that asks for several ports before it starts anything (Kamailio's TLS, WSS and RPC
 * listeners) must never get one port twice.
 */
const handedOut = new Set<number>();
const TRIES = 50;

function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A TCP port on 127.0.0.1 that nothing listens on right now, and that this process has not handed out before. */
export async function freePort(): Promise<number> {
  for (let i = 0; i < TRIES; i++) {
    const port = await unusedPort();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no port this process has not used already, after ${TRIES} tries`);
}
