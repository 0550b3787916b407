import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import pino from 'pino';
import { buildProgram } from '../../adapters/cli/program';
import { BUILTIN_PLUGINS, loadPlugin } from '../../adapters/runtime/plugin-loader';
import { systemClock } from '../../core/clock';
import type { EventDefinitions } from '../../core/events/codec';
import { engineEvents } from '../../core/events/registry';
import type { PluginHost } from '../../application/ports/plugin-api';
import { ROOT } from '../support/cli';

/** The docs a reader sees: the README and every page under docs/. */
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** PascalCase identifiers the docs name in code that are not event types; anything else must be one. */
const NOT_EVENTS = new Set([
  // CGRateS tariff plan files and fields
  'ActivationTime',
  'ConnectFee',
  'DestinationRates',
  'GroupIntervalStart',
  'MaxCost',
  'MaxCostStrategy',
  'RateIncrement',
  'RateUnit',
  'RatesFallbackSubject',
  'RatingPlans',
  'RatingProfiles',
  'RoundingDecimals',
  'RoundingMethod',
  // cookie attributes
  'HttpOnly',
  // the ENUM service of a NAPTR record
  'E2U',
  'SameSite',
  // types and errors of the code and its client
  'BatchBounds',
  'ContainerModule',
  'EventIdConflictError',
  'InvalidEventError',
  'ReadModelStore',
  'TrunklineApiError',
  'KeyObject',
]);

/** Hex-looking words that are names, not commit hashes. */
const NOT_HASHES = new Set(['ed25519']);

interface Doc {
  readonly file: string;
  readonly text: string;
  /** Inline code spans, whitespace folded (a span may wrap across lines). */
  readonly spans: readonly string[];
  /** Fenced code blocks. */
  readonly blocks: readonly string[];
}

function readDoc(file: string): Doc {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const blocks: string[] = [];
  const prose = text.replace(/^(`{3,}|~{3,})[^\n]*\n([\s\S]*?)^\1[ \t]*$/gm, (_all, _fence: string, body: string) => {
    blocks.push(body);
    return '';
  });
  const spans = [...prose.matchAll(/(`+)(?!`)([\s\S]+?)(?<!`)\1(?!`)/g)].map((m) => m[2]!.replace(/\s+/g, ' ').trim());
  return { file, text, spans, blocks };
}

const docs = DOCS.map(readDoc);

/** Every command path the CLI answers to: `carriers`, `carriers add`, … */
function commandPaths(command: Command, prefix: readonly string[] = []): Map<string, Command> {
  const paths = new Map<string, Command>();
  for (const sub of command.commands) {
    const path = [...prefix, sub.name()];
    paths.set(path.join(' '), sub);
    for (const [p, c] of commandPaths(sub, path)) paths.set(p, c);
  }
  return paths;
}

/** The event types the engine and its plugins (built-in and the example) may append. */
async function eventTypes(): Promise<Set<string>> {
  const types = new Set(Object.keys(engineEvents));
  const plugins = [...BUILTIN_PLUGINS, require.resolve('../../plugins/example-daily-volume')];
  for (const module of plugins) {
    const added: EventDefinitions[] = [];
    const host: PluginHost = {
      options: {},
      logger: pino({ level: 'silent' }),
      clock: systemClock,
      addProjection: () => {},
      addRouter: () => {},
      addDeckImporter: () => {},
      addTariffImporter: () => {},
      addVelocityRule: () => {},
      addPricingPolicy: () => {},
      addRoutePolicy: () => {},
      addPaymentProcessor: () => {},
      addAccountOpeningPolicy: () => {},
      addJob: () => {},
      addSmsGateway: () => {},
      addEvents: (definitions) => void added.push(definitions),
    };
    await loadPlugin(module).register?.(host);
    for (const definitions of added) for (const type of Object.keys(definitions)) types.add(type);
  }
  return types;
}

/** `trunkline <command> [<subcommand>]` as written in code: options and arguments are not checked. */
function cliMentions(code: string): string[][] {
  return [...code.matchAll(/(?<![\w/.@-])trunkline[ \t]+([a-z][\w-]*)(?:[ \t]+([a-z][\w-]*))?/g)].map((m) =>
    m.slice(1).filter((w): w is string => w !== undefined),
  );
}

const PASCAL = /\b[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+\b/g;

describe('the docs name only what exists', () => {
  test('every `trunkline` command they show is one the CLI has', () => {
    const paths = commandPaths(buildProgram());
    const unknown: string[] = [];
    for (const doc of docs) {
      for (const code of [...doc.spans, ...doc.blocks]) {
        for (const [command, sub] of cliMentions(code)) {
          const found = paths.get(command!);
          const known = found !== undefined && (sub === undefined || found.commands.length === 0 || paths.has(`${command} ${sub}`));
          if (!known) unknown.push(`${doc.file}: trunkline ${[command, sub].filter(Boolean).join(' ')}`);
        }
      }
    }
    expect(unknown).toEqual([]);
  });

  test('every event type they name is one the engine or a plugin declares', async () => {
    const types = await eventTypes();
    const unknown = new Set<string>();
    for (const doc of docs) {
      // in code, any PascalCase word; anywhere, one that reads like a past fact (…ed)
      const inCode = doc.spans.flatMap((span) => span.match(PASCAL) ?? []);
      const pastFacts = (doc.text.match(PASCAL) ?? []).filter((w) => w.endsWith('ed'));
      for (const word of [...inCode, ...pastFacts]) {
        if (!types.has(word) && !NOT_EVENTS.has(word)) unknown.add(`${doc.file}: ${word}`);
      }
    }
    expect([...unknown]).toEqual([]);
  });

  test('the allow-list of non-event names holds no event type', async () => {
    const types = await eventTypes();
    expect([...NOT_EVENTS].filter((w) => types.has(w))).toEqual([]);
  });

  test('no doc cites an issue or a commit', () => {
    const citations = [
      /\bissues?\s+#?\d+/gi,
      /(?<![\w&/])#\d+\b/g,
      /\b(?:the\s+[\w-]+|this|that|their|its|later|earlier|previous|next)\s+issues?\b/gi,
      /\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{7,40}\b/g,
    ];
    const found: string[] = [];
    for (const doc of docs) {
      for (const pattern of citations) {
        for (const m of doc.text.matchAll(pattern)) {
          if (!NOT_HASHES.has(m[0])) found.push(`${doc.file}: ${m[0].replace(/\s+/g, ' ')}`);
        }
      }
    }
    expect(found).toEqual([]);
  });
});
