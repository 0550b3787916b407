import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { guardedLookup, type TargetPolicy } from './target-guard';

/**
 * POSTs `body` to a client's endpoint, connecting only to addresses the policy allows (resolved
 * at this moment, see guardedLookup). Null on a 2xx; otherwise what went wrong, for the outbox.
 * Redirects are answers, never followed; the answer's body is read and dropped, at most 64 KiB.
 * `timeoutMs` bounds the whole exchange, not only silences: a receiver trickling a byte at a
 * time would otherwise hold the delivery (and its batch) for days.
 */
export function guardedPost(
  url: string,
  headers: Readonly<Record<string, string>>,
  body: string,
  options: { readonly policy: TargetPolicy; readonly timeoutMs: number },
): Promise<string | null> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: string | null) => {
      clearTimeout(deadline);
      if (!settled) resolve(outcome);
      settled = true;
    };
    const req = send(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: guardedLookup(options.policy),
        timeout: options.timeoutMs,
      },
      (res) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > 65_536) res.destroy();
        });
        res.on('close', () => {
          const status = res.statusCode ?? 0;
          done(status >= 200 && status < 300 ? null : `HTTP ${status}`);
        });
        res.on('error', () => undefined);
      },
    );
    const expire = () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
    // done() runs only from the request's callbacks, after this line
    const deadline = setTimeout(() => {
      done('ETIMEDOUT');
      expire();
    }, options.timeoutMs);
    req.on('timeout', expire);
    req.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
    req.end(body);
  });
}
