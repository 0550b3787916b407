import {
  DirectoryUnavailableError,
  enumOwnerName,
  parseEnumRecord,
  parseKeyRecord,
  type Directory,
  type DirectoryAnswer,
  type DirectoryKey,
  type EnumEntry,
} from '../../core/directory';
import type { Clock } from '../../core/clock';
import type { E164 } from '../../core/e164';
import { dnsQuery, type DnsAnswer, type Resolver } from './dns-query';

export interface DnssecDirectoryOptions {
  /** The validating resolver Trunkline trusts to set AD. */
  readonly resolver: Resolver;
  /** The zone numbers live under, e.g. `e164.directory.example`. */
  readonly zone: string;
  readonly clock: Clock;
  readonly timeoutMs?: number;
  /** Upper bound on caching, whatever TTL the zone sets. */
  readonly maxCacheSeconds?: number;
}

/** Turns one DNS answer into records, or the reason it cannot be trusted. */
function authenticated(answer: DnsAnswer, what: string): 'records' | 'none' {
  if (answer.rcode === 'SERVFAIL')
    throw new DirectoryUnavailableError('bogus', `${what}: the resolver could not validate the answer (SERVFAIL: bogus or broken DNSSEC)`);
  if (answer.rcode === 'REFUSED') throw new DirectoryUnavailableError('refused', `${what}: the resolver refused the query`);
  if (!answer.ad)
    throw new DirectoryUnavailableError('unsigned', `${what}: the answer is not DNSSEC-authenticated (no AD bit); refusing it`);
  if (answer.rcode === 'NXDOMAIN') return 'none';
  if (answer.rcode !== 'NOERROR') throw new DirectoryUnavailableError('bogus', `${what}: unexpected ${answer.rcode}`);
  return 'records';
}

/**
 * The directory over DNS with DNSSEC: keys from TXT and ENUM from NAPTR at the number's RFC 6116
 * name, accepted only with the AD bit from the configured validating resolver. Bogus, unsigned
 * or unreachable answers are errors, never "no key"; an authenticated NXDOMAIN is "no such
 * number". Answers are cached for the shortest TTL of the records used.
 */
export function dnssecDirectory(options: DnssecDirectoryOptions): Directory {
  const cache = new Map<string, { answer: DirectoryAnswer; until: number }>();
  const source = `dnssec:${options.resolver.host}:${options.resolver.port}/${options.zone}`;
  const timeoutMs = options.timeoutMs ?? 2000;
  const maxCache = options.maxCacheSeconds ?? 300;

  async function ask(name: string, type: 'TXT' | 'NAPTR'): Promise<DnsAnswer> {
    try {
      return await dnsQuery(options.resolver, name, type, timeoutMs);
    } catch (error) {
      throw new DirectoryUnavailableError('unreachable', `${type} ${name}: ${(error as Error).message}`);
    }
  }

  return {
    description: source,
    async lookup(number: E164): Promise<DirectoryAnswer> {
      const now = options.clock.now().getTime();
      const cached = cache.get(number);
      if (cached && cached.until > now) return cached.answer;
      const name = enumOwnerName(number, options.zone);
      const [txt, naptr] = await Promise.all([ask(name, 'TXT'), ask(name, 'NAPTR')]);
      const keysState = authenticated(txt, `TXT ${name}`);
      const enumState = authenticated(naptr, `NAPTR ${name}`);
      const ttls = [...txt.answers, ...naptr.answers].map((a) => ('ttl' in a && typeof a.ttl === 'number' ? a.ttl : maxCache));
      const ttlSeconds = Math.min(maxCache, ...ttls, keysState === 'none' ? 5 : maxCache);
      const evidence = { source, authenticated: true, ttlSeconds, at: new Date(now).toISOString() };
      let answer: DirectoryAnswer;
      if (keysState === 'none' && enumState === 'none') answer = { status: 'no-such-number', evidence };
      else {
        const keys: DirectoryKey[] = [];
        for (const a of txt.answers) {
          if (a.type !== 'TXT') continue;
          const text = (Array.isArray(a.data) ? a.data : [a.data]).map((b) => b.toString()).join('');
          const key = parseKeyRecord(text);
          if (key) keys.push(key);
        }
        const entries: EnumEntry[] = [];
        for (const a of naptr.answers) {
          if (a.type !== 'NAPTR') continue;
          const e = parseEnumRecord(a.data as { order: number; preference: number; flags: string; services: string; regexp: string });
          if (e) entries.push(e);
        }
        entries.sort((x, y) => x.order - y.order || x.preference - y.preference);
        answer = { status: 'found', keys, enum: entries, evidence };
      }
      cache.set(number, { answer, until: now + ttlSeconds * 1000 });
      return answer;
    },
  };
}
