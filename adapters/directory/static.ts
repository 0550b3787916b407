import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DirectoryUnavailableError, parseKeyRecord, type Directory, type DirectoryAnswer } from '../../core/directory';
import type { Clock } from '../../core/clock';
import { parseE164 } from '../../core/e164';

const fileSchema = z
  .object({
    numbers: z.record(
      z.string(),
      z
        .object({
          keys: z.array(z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'a base64 Ed25519 public key')),
          sip: z.array(z.string().regex(/^sips?:/)).default([]),
        })
        .strict(),
    ),
  })
  .strict();

/**
 * A directory from a JSON file, for the embedded default and demos. It VERIFIES NOTHING: whoever
 * edits the file decides who owns a number. Its answers say so (`authenticated: false`), and the
 * engine logs a warning when it is configured.
 */
export function staticDirectory(path: string, clock: Clock): Directory {
  let parsed: z.infer<typeof fileSchema>;
  try {
    parsed = fileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    const detail =
      error instanceof z.ZodError ? `${error.issues[0]!.path.join('.')}: ${error.issues[0]!.message}` : (error as Error).message;
    throw new DirectoryUnavailableError('refused', `static directory ${path}: ${detail}`);
  }
  const numbers = new Map(Object.entries(parsed.numbers).map(([n, v]) => [parseE164(n), v] as const));
  const source = `static:${path} (verifies nothing)`;
  return {
    description: source,
    async lookup(number): Promise<DirectoryAnswer> {
      const evidence = { source, authenticated: false, ttlSeconds: 0, at: clock.now().toISOString() };
      const entry = numbers.get(number);
      if (!entry) return { status: 'no-such-number', evidence };
      return {
        status: 'found',
        keys: entry.keys.map((k) => parseKeyRecord(`v=dirkey1; k=ed25519; p=${k}`)!),
        enum: entry.sip.map((uri, i) => ({ order: 100, preference: 10 + i, service: 'E2U+sip', uri })),
        evidence,
      };
    },
  };
}
