import { isIP } from 'node:net';
import { ConfigError, type Config } from './config';

/** Only the machine itself can reach a loopback listener, so its own address names it well enough. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/**
 * A server reachable from elsewhere must be told the URL its clients address: signatures cover
 * it, and the descriptor publishes it. Taking it from the Host header would let any client
 * choose it.
 */
export function requirePublicUrl(config: Pick<Config, 'host' | 'publicBaseUrl'>): void {
  if (config.publicBaseUrl || isLoopbackHost(config.host)) return;
  throw new ConfigError(
    `host ${config.host} is not loopback: set publicBaseUrl (TRUNKLINE_PUBLIC_URL), the scheme://host[:port] clients address`,
  );
}
