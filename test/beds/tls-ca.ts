import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Ca {
  /** PEM file of the CA certificate: what peers and clients trust. */
  readonly cert: string;
  readonly key: string;
}
export interface Issued {
  readonly cert: string;
  readonly key: string;
}

const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/** A private CA for one test bed (P-256, valid one day): production uses ACME certificates instead. */
export function createCa(dir: string, name = 'Trunkline test CA'): Ca {
  const cert = join(dir, 'ca.pem');
  const key = join(dir, 'ca.key');
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key]);
  openssl(['req', '-x509', '-new', '-key', key, '-sha256', '-days', '1', '-subj', `/CN=${name}`, '-out', cert]);
  return { cert, key };
}

/** A server (and client) certificate for `name`, its DNS names and IP addresses, signed by `ca`. */
export function issueCert(ca: Ca, dir: string, subject: { name: string; dns?: readonly string[]; ip?: readonly string[] }): Issued {
  const base = join(dir, subject.name.replace(/[^\w.-]/g, '_'));
  const [key, csr, cert, ext] = [`${base}.key`, `${base}.csr`, `${base}.pem`, `${base}.ext`];
  const san = [...(subject.dns ?? [subject.name]).map((d) => `DNS:${d}`), ...(subject.ip ?? []).map((i) => `IP:${i}`)];
  writeFileSync(
    ext,
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth,clientAuth',
      `subjectAltName=${san.join(',')}`,
    ].join('\n'),
  );
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key]);
  openssl(['req', '-new', '-key', key, '-subj', `/CN=${subject.name}`, '-out', csr]);
  openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-days',
    '1',
    '-sha256',
    '-extfile',
    ext,
    '-out',
    cert,
  ]);
  return { cert, key };
}
