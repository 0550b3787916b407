import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** A hand-written SIP client over one TLS connection: sends what a hostile client would, frames what comes back. */
export class RawSipConnection {
  private buffer = '';
  private readonly waiters: (() => void)[] = [];
  readonly messages: string[] = [];
  constructor(readonly socket: tls.TLSSocket) {
    socket.on('data', (c: Buffer) => {
      this.buffer += c.toString();
      for (;;) {
        const i = this.buffer.indexOf('\r\n\r\n');
        if (i < 0) return;
        const length = Number(/\r\nContent-Length:\s*(\d+)/i.exec(this.buffer.slice(0, i))?.[1] ?? 0);
        if (this.buffer.length < i + 4 + length) return;
        this.messages.push(this.buffer.slice(0, i + 4 + length));
        this.buffer = this.buffer.slice(i + 4 + length);
        for (const w of this.waiters.splice(0)) w();
      }
    });
  }

  /** The first message (received so far or later) that `pred` accepts, taken off the list; 'timeout' after `ms`. */
  next(pred: (m: string) => boolean, ms = 8000): Promise<string> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), ms);
      const check = () => {
        const i = this.messages.findIndex(pred);
        if (i < 0) return void this.waiters.push(check);
        clearTimeout(timer);
        resolve(this.messages.splice(i, 1)[0]!);
      };
      check();
    });
  }

  /** A request with a Via for this connection; `headers` in order, then the body (SDP when given). */
  request(method: string, uri: string, headers: Readonly<Record<string, string>>, body = ''): void {
    this.socket.write(
      [
        `${method} ${uri} SIP/2.0`,
        `Via: SIP/2.0/TLS 127.0.0.1:${this.socket.localPort};branch=z9hG4bK${Math.random().toString(36).slice(2)};rport`,
        'Max-Forwards: 70',
        ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
        ...(body ? ['Content-Type: application/sdp'] : []),
        `Content-Length: ${Buffer.byteLength(body)}`,
        '',
        body,
      ].join('\r\n'),
    );
  }

  close(): void {
    this.socket.destroy();
  }
}

export function connectTls(port: number, servername: string, caFile: string): Promise<RawSipConnection> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, servername, ca: readFileSync(caFile) }, () => resolve(new RawSipConnection(s)));
    s.once('error', reject);
  });
}

/** The digest answer to a 401/407 `challenge` (RFC 2617 MD5, with qop=auth when offered). */
export function digestAnswer(challenge: string, user: string, password: string, method: string, uri: string): string {
  const realm = /realm="([^"]+)"/.exec(challenge)![1]!;
  const nonce = /nonce="([^"]+)"/.exec(challenge)![1]!;
  const qop = /qop="?auth/.test(challenge);
  const ha1 = md5(`${user}:${realm}:${password}`);
  const ha2 = md5(`${method}:${uri}`);
  const response = qop ? md5(`${ha1}:${nonce}:00000001:c0ffee:auth:${ha2}`) : md5(`${ha1}:${nonce}:${ha2}`);
  return `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}"${qop ? ', qop=auth, nc=00000001, cnonce="c0ffee"' : ''}, algorithm=MD5`;
}
