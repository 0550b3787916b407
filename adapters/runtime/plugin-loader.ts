import type { TrunklinePlugin } from '../../application/ports/plugin-api';

export class PluginError extends Error {
  override readonly name = 'PluginError';
}

/** Plugins that ship with Trunkline; they register exactly as third-party ones do. */
export const BUILTIN_PLUGINS: readonly string[] = [
  require.resolve('./features/catalogue'),
  require.resolve('./features/rates'),
  require.resolve('../../plugins/importers/wholesale-csv'),
  require.resolve('../../plugins/importers/cgrates'),
  require.resolve('../../plugins/pricing'),
  require.resolve('../../plugins/stripe'),
  require.resolve('../../plugins/trial-credit'),
  require.resolve('./features/vouchers'),
  require.resolve('../../plugins/sms-smpp'),
  require.resolve('../../plugins/sms-http'),
  require.resolve('../../plugins/velocity-rules'),
];

function isPlugin(value: unknown): value is TrunklinePlugin {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['name'] === 'string' && (typeof v['register'] === 'function' || typeof v['containerModule'] === 'object');
}

/**
 * Whether `module` is TypeScript that this process cannot load yet: the compiled engine runs
 * without tsx, so Node finds no `index.ts` in a folder and cannot run a `.ts` file.
 */
function needsTypeScriptLoader(module: string): boolean {
  try {
    return require.resolve(module).endsWith('.ts');
  } catch {
    return true;
  }
}

/** Loads a plugin module by path or package name; its default export or module.exports. */
export function loadPlugin(module: string): TrunklinePlugin {
  let loaded: unknown;
  try {
    // tsx only when a plugin is TypeScript: loading it costs the compiled engine's fast start
    if (needsTypeScriptLoader(module)) require('tsx/cjs');
    loaded = require(module);
  } catch (error) {
    throw new PluginError(`plugin ${module}: cannot load (${(error as Error).message.split('\n')[0]})`);
  }
  const candidate = (loaded as { default?: unknown }).default ?? loaded;
  if (!isPlugin(candidate)) {
    throw new PluginError(`plugin ${module}: must export a name and a register function or a containerModule`);
  }
  return candidate;
}
