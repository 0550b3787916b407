import { request, type Agent } from 'node:http';

/** One POST over a keep-alive agent (lighter than fetch, as a proxy's or backend's HTTP client is). */
export function post(
  agent: Agent,
  base: URL,
  path: string,
  headers: Record<string, string | number>,
  payload: Buffer,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: base.hostname, port: base.port, path, method: 'POST', agent, headers: { ...headers, 'content-length': payload.length } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
