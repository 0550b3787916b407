import { existsSync, readFileSync, statSync } from 'node:fs';
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

type Numbers = ReadonlyMap<string, z.infer<typeof fileSchema>['numbers'][string]>;

/** The file's numbers; an absent file is an empty directory (no number can open an account yet). */
function load(path: string): Numbers {
  if (!existsSync(path)) return new Map();
  let parsed: z.infer<typeof fileSchema>;
  try {
    parsed = fileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    const detail =
      error instanceof z.ZodError ? `${error.issues[0]!.path.join('.')}: ${error.issues[0]!.message}` : (error as Error).message;
    throw new DirectoryUnavailableError('refused', `static directory ${path}: ${detail}`);
  }
  return new Map(Object.entries(parsed.numbers).map(([n, v]) => [parseE164(n), v] as const));
}

/** What changes when the file is replaced or edited: a rename-into-place changes the inode, an edit the time or size. */
function stampOf(path: string): string {
  try {
    const s = statSync(path);
    return `${s.ino}:${s.mtimeMs}:${s.size}`;
  } catch {
    return 'absent';
  }
}

/** How often a lookup may look at the file again: an edit reaches every engine reading it within this. */
export const STATIC_DIRECTORY_RECHECK_MS = 1000;

/**
 * A directory from a JSON file, for the embedded default and demos. It VERIFIES NOTHING: whoever
 * edits the file decides who owns a number. Its answers say so (`authenticated: false`), and the
 * engine logs a warning when it is configured. The file is read at start (a malformed one stops
 * the engine) and again, on a lookup, when it changed: a key published while the engine runs is
 * known within a second. A malformed edit keeps the last good numbers and is reported through
 * `onReloadError`.
 */
export function staticDirectory(path: string, clock: Clock, onReloadError: (message: string) => void = () => undefined): Directory {
  let numbers = load(path);
  let stamp = stampOf(path);
  let checkedAt = clock.now().getTime();
  const current = (): Numbers => {
    const now = clock.now().getTime();
    if (now - checkedAt < STATIC_DIRECTORY_RECHECK_MS) return numbers;
    checkedAt = now;
    const next = stampOf(path);
    if (next === stamp) return numbers;
    stamp = next;
    try {
      numbers = load(path);
    } catch (error) {
      onReloadError(`${(error as Error).message}; keeping the last good directory`);
    }
    return numbers;
  };
  const source = `static:${path} (verifies nothing)`;
  return {
    description: source,
    async lookup(number): Promise<DirectoryAnswer> {
      const evidence = { source, authenticated: false, ttlSeconds: 0, at: clock.now().toISOString() };
      const entry = current().get(number);
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
