import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';

export interface Resolver {
  readonly host: string;
  readonly port: number;
}

export interface DnsAnswer {
  readonly rcode: string;
  /** Authenticated Data: the validating resolver checked the DNSSEC chain. */
  readonly ad: boolean;
  readonly answers: readonly dnsPacket.Answer[];
}

/** One query over UDP with RD and DO set (so a validating resolver reports AD); bounded by `timeoutMs`. */
export function dnsQuery(resolver: Resolver, name: string, type: 'TXT' | 'NAPTR', timeoutMs: number): Promise<DnsAnswer> {
  const id = randomInt(65536);
  const packet = dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED | dnsPacket.AUTHENTIC_DATA,
    questions: [{ type, name }],
    additionals: [
      {
        type: 'OPT',
        name: '.',
        udpPayloadSize: 4096,
        extendedRcode: 0,
        ednsVersion: 0,
        flags: dnsPacket.DNSSEC_OK,
        flag_do: true,
        options: [],
      },
    ],
  });
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(resolver.host.includes(':') ? 'udp6' : 'udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no answer from ${resolver.host}:${resolver.port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('error', (error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    });
    socket.on('message', (message) => {
      // the typings omit the decoded header fields dns-packet sets (rcode, flag_ad)
      let decoded: dnsPacket.Packet & { rcode?: string; flag_ad?: boolean };
      try {
        decoded = dnsPacket.decode(message);
      } catch {
        return; // not a DNS answer: keep waiting until the timeout
      }
      if (decoded.id !== id) return; // a stray or spoofed answer
      clearTimeout(timer);
      socket.close();
      resolve({ rcode: decoded.rcode ?? 'NOERROR', ad: Boolean(decoded.flag_ad), answers: decoded.answers ?? [] });
    });
    socket.send(packet, resolver.port, resolver.host);
  });
}
