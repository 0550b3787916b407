import type { Command } from 'commander';
import type { JsonObject } from '../../core/json';
import type { CommandEngine } from '../runtime/engine';
import { parseWait, rollOut, waitOption } from './await-rollout';

type WithEngine = <T>(fn: (engine: CommandEngine) => Promise<T>) => Promise<T>;

const out = (text: string) => process.stdout.write(`${text}\n`);

function parseOptions(text: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`pricing options must be a JSON object, e.g. '{"markupPercent":"30"}': ${JSON.stringify(text.slice(0, 80))}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('pricing options must be a JSON object');
  return value as JsonObject;
}

/** Settings recorded in the log: every serving engine applies them within seconds, no restart. */
export function addSettingsCommands(program: Command, withEngine: WithEngine): void {
  const settings = program.command('settings').description('live settings: blocked prefixes and pricing options, applied on every node');
  settings
    .command('show')
    .description('the settings in force: recorded in the log, else configured')
    .action(async () => {
      await withEngine(async (engine) => {
        await engine.rating.sync();
        const live = engine.rating.current().settings;
        out(
          JSON.stringify({
            blockedPrefixes: { value: engine.rating.blockedPrefixes(), from: live.blockedPrefixes ? 'log' : 'config' },
            pricing: { value: live.pricing ?? {}, from: live.pricing ? 'log (over the configured options)' : 'config' },
            sheetVersion: engine.rating.current().revision,
          }),
        );
      });
    });
  settings
    .command('blocked-prefixes [prefixes...]')
    .description('replace the blocked destination prefixes (digits; --none to block nothing)')
    .option('--none', 'block no prefix')
    .addOption(waitOption())
    .action(async (prefixes: string[], o: { none?: boolean; wait: string }) => {
      const waitMs = parseWait(o.wait);
      if (o.none ? prefixes.length > 0 : prefixes.length === 0) throw new Error('give the prefixes to block, or --none');
      const list = prefixes.flatMap((p) => p.split(',')).filter(Boolean);
      const bad = list.find((p) => !/^\d{1,15}$/.test(p));
      if (bad !== undefined) throw new Error(`a blocked prefix is 1 to 15 digits: ${JSON.stringify(bad)}`);
      await withEngine(async (engine) => {
        const r = await engine.rating.setSettings({ blockedPrefixes: list }, { actor: 'cli' });
        out(r.changed ? `blocked prefixes set (${list.length}), ${await rollOut(engine, waitMs)}` : 'blocked prefixes unchanged');
      });
    });
  settings
    .command('pricing <json>')
    .description('set pricing options over the configured ones, e.g. \'{"markupPercent":"30"}\'')
    .addOption(waitOption())
    .action(async (json: string, o: { wait: string }) => {
      const waitMs = parseWait(o.wait);
      const options = parseOptions(json);
      await withEngine(async (engine) => {
        const r = await engine.rating.setSettings({ pricing: options }, { actor: 'cli' });
        out(r.changed ? `pricing options set, ${await rollOut(engine, waitMs)}` : 'pricing options unchanged');
      });
    });
}
