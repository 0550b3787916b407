import { createHmac, randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';

/** RFC 2136 UPDATE signed with RFC 8945 TSIG (hmac-sha256): what a client does to publish its ENUM entry. */
function wireName(n: string): Buffer {
  const parts = n.replace(/\.$/, '').toLowerCase().split('.').filter(Boolean);
  return Buffer.concat([...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p)])), Buffer.from([0])]);
}
const u16 = (v: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v);
  return b;
};
const u48 = (v: number) => {
  const b = Buffer.alloc(6);
  b.writeUIntBE(v, 0, 6);
  return b;
};

function signTsig(msg: Buffer, key: { name: string; secret: Buffer }): Buffer {
  const now = Math.floor(Date.now() / 1000);
  const keyName = wireName(key.name);
  const alg = wireName('hmac-sha256');
  const vars = Buffer.concat([keyName, u16(255), Buffer.alloc(4), alg, u48(now), u16(300), u16(0), u16(0)]);
  const mac = createHmac('sha256', key.secret)
    .update(Buffer.concat([msg, vars]))
    .digest();
  const rdata = Buffer.concat([alg, u48(now), u16(300), u16(mac.length), mac, msg.subarray(0, 2), u16(0), u16(0)]);
  const rr = Buffer.concat([keyName, u16(250), u16(255), Buffer.alloc(4), u16(rdata.length), rdata]);
  const out = Buffer.concat([msg, rr]);
  out.writeUInt16BE(msg.readUInt16BE(10) + 1, 10);
  return out;
}

export async function addRecords(
  authority: { host: string; port: number },
  key: { name: string; secret: Buffer },
  zone: string,
  records: dnsPacket.Answer[],
): Promise<string> {
  const msg = dnsPacket.encode({
    type: 'query',
    id: randomInt(65536),
    flags: 5 << 11, // opcode UPDATE
    questions: [{ type: 'SOA', name: zone }],
    answers: [],
    authorities: records,
  });
  const reply = await new Promise<Buffer>((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    const t = setTimeout(() => (s.close(), reject(new Error('update timed out'))), 5000);
    s.on('message', (m) => (clearTimeout(t), s.close(), resolve(m)));
    s.send(signTsig(msg, key), authority.port, authority.host);
  });
  return (dnsPacket.decode(reply) as { rcode?: string }).rcode ?? 'NOERROR';
}
