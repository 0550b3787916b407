import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { enumOwnerName } from '../../core/directory';
import { parseE164 } from '../../core/e164';

const out = (line: string) => process.stdout.write(`${line}\n`);

interface Generated {
  readonly privateKeyFile: string;
  /** Base64 of the raw 32-byte Ed25519 public key: what the directory and `operators` hold. */
  readonly publicKey: string;
  /** The number's entry in a static directory.json (`numbers` object), or just its keys without --number. */
  readonly directoryEntry: Record<string, unknown>;
  /** The TXT record a DNSSEC directory publishes, with its owner name when the number and zone are known. */
  readonly txtRecord: string;
  /** With --operator: the entry for the configuration's `operators` list. */
  readonly operatorEntry?: { readonly id: string; readonly publicKey: string; readonly roles: readonly string[] };
}

/**
 * `trunkline keys generate`: an Ed25519 key pair for a client number or an operator, the private
 * key as PKCS#8 PEM (mode 0600, never overwriting a file), and the exact entries to publish.
 */
export function addKeysCommand(program: Command): void {
  program
    .command('keys')
    .description('keys for signed requests')
    .command('generate')
    .description('make an Ed25519 key pair and print what the directory (or the operators list) needs')
    .option('--out <file>', 'where the private key goes (PKCS#8 PEM)', 'trunkline-key.pem')
    .option('--number <e164>', 'the number the key is for: prints its directory entry and TXT record')
    .option('--zone <zone>', 'the directory zone, for the TXT record’s owner name', 'e164.directory.example')
    .option('--operator <id>', 'an operator key: prints its entry for the operators list')
    .option('--roles <roles>', 'the operator’s roles, comma separated', 'admin')
    .option('--json', 'print JSON')
    .action((o: { out: string; number?: string; zone: string; operator?: string; roles: string; json?: boolean }) => {
      const number = o.number !== undefined ? parseE164(o.number) : null;
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      const file = resolve(o.out);
      try {
        writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST')
          throw new Error(`${file} exists; keys are never overwritten (choose --out)`);
        throw error;
      }
      const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64');
      const txt = `v=dirkey1; k=ed25519; p=${raw}`;
      const g: Generated = {
        privateKeyFile: file,
        publicKey: raw,
        directoryEntry: number ? { numbers: { [number]: { keys: [raw] } } } : { keys: [raw] },
        txtRecord: number ? `${enumOwnerName(number, o.zone)}. IN TXT "${txt}"` : txt,
        ...(o.operator !== undefined
          ? {
              operatorEntry: {
                id: o.operator,
                publicKey: raw,
                roles: o.roles
                  .split(',')
                  .map((r) => r.trim())
                  .filter(Boolean),
              },
            }
          : {}),
      };
      if (o.json) return void out(JSON.stringify(g, null, 2));
      out(`private key:      ${g.privateKeyFile} (keep it; it signs your requests)`);
      out(`public key:       ${g.publicKey}`);
      out(`directory.json:   ${JSON.stringify(g.directoryEntry)}`);
      out(`DNS TXT record:   ${g.txtRecord}`);
      if (g.operatorEntry) out(`operators entry:  ${JSON.stringify(g.operatorEntry)}`);
    });
}
