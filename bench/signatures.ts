/**
 * npm run bench:signatures: what verifying an RFC 9421 request costs, against the Ed25519
 * verification alone measured in the same run (the floor), and what recording its nonce costs
 * on each ledger. Alternates the floor and the variants BENCH_ROUNDS times (at least 3) and
 * reports medians and the median of the per-round ratios to the floor. Writes its section of
 * docs/benchmarks.md (BENCH_WRITE=0: print only; BENCH_SCALE=0.1 for a quick run).
 *
 * The verifier is called as `verifySignedRequest(request, { resolveKeys, nonces, now,
 * windowSeconds })`; the nonce ledger given here answers both `spend` and the older
 * `remember`, so this file also runs against earlier trees for a before/after figure.
 */
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signRequest } from '../adapters/http/signatures/sign-request';
import { verifySignedRequest, type SignerKeys } from '../adapters/http/signatures/verify-request';
import { alternate, benchRounds, versus } from './compare';
import { fmt, machine, writeSection } from './report';

const SCALE = Number(process.env['BENCH_SCALE'] ?? 1);
const N = Math.max(200, Math.round(5000 * SCALE));
const ROUNDS = benchRounds(5);
const KEYID = '+442079460958';
const alice = generateKeyPairSync('ed25519');
const keys: SignerKeys = { keyid: KEYID, kind: 'number', keys: [alice.publicKey], roles: [] };

type Ledger = { spend(key: string, until: number, now: number): Promise<boolean>; remember(key: string, now: number): boolean };

function inMemory(): Ledger {
  const seen = new Map<string, number>();
  return {
    async spend(key, until) {
      if (seen.has(key)) return false;
      seen.set(key, until);
      return true;
    },
    remember(key, now) {
      if (seen.has(key)) return false;
      seen.set(key, now);
      return true;
    },
  };
}

async function sqliteLedger(dir: string): Promise<Ledger | null> {
  try {
    const { sqliteSpentNonces } = await import('../adapters/spent-nonces/sqlite');
    const ledger = sqliteSpentNonces(join(dir, `nonces-${Math.random()}.sqlite`));
    return { spend: (k, u, n) => ledger.spend(k, u, n), remember: () => true };
  } catch {
    return null; // a tree without durable nonces
  }
}

async function requests(n: number, withBody: boolean) {
  const now = new Date();
  const body = Buffer.from(JSON.stringify({ to: '+447911123456', text: 'hello' }));
  const out = [];
  for (let i = 0; i < n; i++) {
    const url = 'https://api.provider.test/v1/sms';
    const headers = await signRequest(
      withBody ? { method: 'POST', url, headers: { 'content-type': 'application/json' }, body } : { method: 'GET', url },
      alice.privateKey,
      KEYID,
      { now },
    );
    out.push({ method: withBody ? 'POST' : 'GET', url, headers, body: withBody ? body : Buffer.alloc(0) });
  }
  return out;
}

async function timeVerify(list: Awaited<ReturnType<typeof requests>>, nonces: Ledger): Promise<number> {
  const options = { resolveKeys: async () => keys, nonces, now: () => new Date(), windowSeconds: 300 } as unknown as Parameters<
    typeof verifySignedRequest
  >[1];
  const started = process.hrtime.bigint();
  for (const r of list) await verifySignedRequest(r, options);
  return list.length / (Number(process.hrtime.bigint() - started) / 1e9);
}

function timeFloor(n: number): number {
  const base = Buffer.from(
    '"@method": GET\n"@target-uri": https://api.provider.test/v1/sms\n"@signature-params": ("@method" "@target-uri")',
  );
  const signature = sign(null, base, alice.privateKey);
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) if (!verify(null, base, alice.publicKey, signature)) throw new Error('floor failed');
  return n / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-bench-sig-'));
  const durable = (await sqliteLedger(dir)) !== null;
  const figures = await alternate(
    ROUNDS,
    {
      floor: () => timeFloor(N),
      get: async () => timeVerify(await requests(N, false), inMemory()),
      post: async () => timeVerify(await requests(N, true), inMemory()),
      sqlite: async () => {
        const ledger = await sqliteLedger(dir);
        return ledger ? timeVerify(await requests(N, true), ledger) : NaN;
      },
    },
    (round, f) =>
      process.stderr.write(
        `round ${round}/${ROUNDS}: Ed25519 ${fmt(f.floor)}/s, GET ${fmt(f.get)}/s (× ${(f.get / f.floor).toFixed(2)}), POST ${fmt(f.post)}/s (× ${(f.post / f.floor).toFixed(2)}), SQLite nonce ${fmt(f.sqlite)}/s (× ${(f.sqlite / f.floor).toFixed(2)})\n`,
      ),
  );
  rmSync(dir, { recursive: true, force: true });
  const perSecond = (n: number) => `${fmt(n)} /s`;
  const row = (what: string, name: keyof typeof figures) =>
    name === 'sqlite' && !durable ? `| ${what} | – | – | – |` : `| ${what} | ${versus(figures[name], figures.floor, perSecond)} |`;
  const body = [
    '## Request signatures (`npm run bench:signatures`)',
    '',
    `${machine()}; ${fmt(N)} requests per variant, ${ROUNDS} alternated rounds (each round the bare Ed25519 verification first, then every variant); medians, and the median of each round's ratio to the bare Ed25519 verification of the same round (\`crypto.verify\` of one signature base with the same key type, in a tight loop: the floor). Key lookup answered from memory (the static directory's cost, not DNSSEC's).`,
    '',
    '| what | verifications | Ed25519 alone, same rounds | ratio to Ed25519 alone |',
    '| --- | ---: | ---: | ---: |',
    row('Ed25519 verify of a signature base (floor)', 'floor'),
    row('signed GET: parse, policy, base, verify, nonce in memory', 'get'),
    row('signed POST with a JSON body: the same plus Content-Digest', 'post'),
    row('signed POST, nonce recorded in SQLite (`spent-nonces.sqlite`, synchronous=NORMAL)', 'sqlite'),
  ].join('\n');
  process.stdout.write(`${body}\n`);
  writeSection('signatures', body);
}

void main().catch((error: unknown) => {
  process.stderr.write(`bench:signatures: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
