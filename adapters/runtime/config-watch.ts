import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Config } from './config';

/** Keys an operator changes while engines serve, with the command that does it on every node. */
const LIVE_INSTEAD: Readonly<Record<string, string>> = {
  blockedPrefixes: 'trunkline settings blocked-prefixes',
  pluginOptions: 'trunkline settings pricing (pricing options; other plugins read theirs at start)',
};

/** Top-level keys whose value differs between two configurations. */
export function changedKeys(before: Config, after: Config): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(before[k as keyof Config]) !== JSON.stringify(after[k as keyof Config])).sort();
}

/**
 * A serving engine reads its configuration once. An edit to the file is not ignored silently:
 * the engine says, once per edit, which keys wait for a restart, and what changes them live
 * instead. `reload` re-reads the configuration as at start (file, environment, flags).
 */
export function watchConfigFile(options: {
  readonly file: string;
  readonly running: Config;
  readonly reload: () => Config;
  readonly logger: Logger;
  readonly onPending: (keys: readonly string[]) => void;
  readonly intervalMs?: number;
}): () => void {
  const check = () => {
    let next: Config;
    try {
      next = options.reload();
    } catch (err) {
      options.logger.error({ file: options.file, err }, 'configuration file changed and is not valid; running on, unchanged');
      return;
    }
    const keys = changedKeys(options.running, next);
    options.onPending(keys);
    if (keys.length === 0) return;
    const live = keys.filter((k) => LIVE_INSTEAD[k]).map((k) => `${k}: ${LIVE_INSTEAD[k]}`);
    options.logger.error(
      { file: options.file, keys, liveInstead: live },
      `configuration file changed: ${keys.join(', ')} take effect only at a restart; this engine runs on with the values it started with` +
        (live.length ? ` (to change on every node now: ${live.join('; ')})` : ''),
    );
  };
  // the text, not the file's times: an edit in the same second as the last one, or before a
  // watcher's first look, is an edit all the same
  const read = () => {
    try {
      return readFileSync(options.file, 'utf8');
    } catch {
      return null;
    }
  };
  let last = read();
  const timer = setInterval(() => {
    const text = read();
    if (text === last) return;
    last = text;
    check();
  }, options.intervalMs ?? 1000);
  timer.unref();
  return () => clearInterval(timer);
}
