import type { KeyObject } from 'node:crypto';
import { signRequest } from '../http/signatures/sign-request';

export interface OperatorClient {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
}

/** How long one request to the engine may take before the command gives up. */
const TIMEOUT_MS = 15_000;

/**
 * Signed requests (RFC 9421) to a running engine as an operator. A refusal becomes one line: the
 * problem's detail and status, so the CLI's usual error path prints it.
 */
export function operatorClient(base: string, key: KeyObject, keyid: string): OperatorClient {
  async function send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const url = `${base}${path}`;
    const headers = await signRequest(
      { method, url, headers: payload ? { 'content-type': 'application/json' } : {}, ...(payload ? { body: payload } : {}) },
      key,
      keyid,
    );
    let res: Response;
    try {
      res = await fetch(url, { method, headers, ...(payload ? { body: payload } : {}), signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new Error(`cannot reach the engine at ${base} (${cause}); is trunkline serve running there? (--api)`);
    }
    const text = await res.text();
    if (!res.ok) {
      let detail = text.slice(0, 200);
      try {
        const p = JSON.parse(text) as { detail?: string; title?: string };
        detail = p.detail ?? p.title ?? detail;
      } catch {
        // not a problem document: the start of the body says enough
      }
      throw new Error(`${method} ${path}: ${res.status} ${detail}`);
    }
    return JSON.parse(text) as T;
  }
  return { get: (path) => send('GET', path), post: (path, body) => send('POST', path, body), put: (path, body) => send('PUT', path, body) };
}
