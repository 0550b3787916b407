import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

/**
 * scheme://address:port of the socket a request came in on: what a server with no configured
 * public URL answers for. Never the Host header or X-Forwarded-*, which the client chooses.
 */
export function localOrigin(socket: Socket): string {
  const scheme = (socket as TLSSocket).encrypted ? 'https' : 'http';
  let address = socket.localAddress ?? '127.0.0.1';
  // a dual-stack listener reports IPv4 clients' addresses in IPv6 form
  if (address.startsWith('::ffff:') && address.includes('.')) address = address.slice(7);
  const host = address.includes(':') ? `[${address}]` : address;
  return `${scheme}://${host}:${socket.localPort ?? 0}`;
}
