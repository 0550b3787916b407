import { createSocket } from 'node:dgram';

/** What rtpengine's ng protocol carries: bencoded dictionaries, lists, strings and integers. */
export type Bencoded = string | number | Bencoded[] | { [key: string]: Bencoded };

export function bencode(value: Bencoded): string {
  if (typeof value === 'number') return `i${Math.trunc(value)}e`;
  if (typeof value === 'string') return `${Buffer.byteLength(value)}:${value}`;
  if (Array.isArray(value)) return `l${value.map(bencode).join('')}e`;
  const keys = Object.keys(value).sort();
  return `d${keys.map((k) => bencode(k) + bencode(value[k]!)).join('')}e`;
}

export function bdecode(input: Buffer): Bencoded {
  let at = 0;
  const next = (): Bencoded => {
    const c = String.fromCharCode(input[at]!);
    if (c === 'i') {
      const end = input.indexOf(0x65, at);
      const n = Number(input.subarray(at + 1, end).toString());
      at = end + 1;
      return n;
    }
    if (c === 'l') {
      at++;
      const list: Bencoded[] = [];
      while (input[at] !== 0x65) list.push(next());
      at++;
      return list;
    }
    if (c === 'd') {
      at++;
      const dict: { [key: string]: Bencoded } = {};
      while (input[at] !== 0x65) {
        const key = next() as string;
        dict[key] = next();
      }
      at++;
      return dict;
    }
    const colon = input.indexOf(0x3a, at);
    if (colon < 0) throw new Error(`not bencode at ${at}`);
    const length = Number(input.subarray(at, colon).toString());
    const s = input.subarray(colon + 1, colon + 1 + length).toString();
    at = colon + 1 + length;
    return s;
  };
  return next();
}

/** One ng command to rtpengine on 127.0.0.1:`port` and its answer (bounded: `ms`). */
export function ngCommand(port: number, command: { [key: string]: Bencoded }, ms = 2000): Promise<{ [key: string]: Bencoded }> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const cookie = Math.random().toString(36).slice(2, 10);
    const timer = setTimeout(() => done(new Error(`no ng answer from 127.0.0.1:${port} within ${ms} ms`)), ms);
    const done = (error: Error | null, answer?: { [key: string]: Bencoded }) => {
      clearTimeout(timer);
      socket.close();
      if (error) reject(error);
      else resolve(answer!);
    };
    socket.on('message', (m) => {
      const space = m.indexOf(0x20);
      if (m.subarray(0, space).toString() !== cookie) return;
      try {
        done(null, bdecode(m.subarray(space + 1)) as { [key: string]: Bencoded });
      } catch (error) {
        done(error as Error);
      }
    });
    socket.on('error', (error) => done(error));
    socket.send(`${cookie} ${bencode(command)}`, port, '127.0.0.1');
  });
}
