import { NOTIFICATION_TYPES } from '../../core/notifications/notifications';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { amountLimits } from '../../core/amount-limits';
import { MoneyError } from '../../core/money';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const pluginEntry = z.union([
  z
    .string()
    .min(1)
    .transform((module) => ({ module, options: {} as Record<string, unknown> })),
  z.object({ module: z.string().min(1), options: z.record(z.string(), z.unknown()).default({}) }),
]);

const schema = z
  .object({
    dataDir: z.string().min(1),
    port: z.coerce
      .number({ error: (issue) => (issue.code === 'invalid_type' ? 'must be a number' : undefined) })
      .int('must be a whole number')
      .min(0, 'must be 0 to 65535')
      .max(65535, 'must be 0 to 65535'),
    host: z.string().min(1),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    store: z.enum(['sqlite', 'postgres', 'eventstoredb', 'memory']),
    readModels: z.enum(['sqlite', 'postgres']).optional(),
    sqliteSynchronous: z.enum(['normal', 'full']),
    postgresUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    eventStoreDbUrl: z
      .string()
      .regex(/^(esdb|kurrentdb)(\+discover)?:\/\//, 'must be an esdb:// URL')
      .optional(),
    readyMaxLag: z.coerce.number().int().min(0),
    plugins: z.array(pluginEntry),
    /** Options for plugins by name, built-in ones included (`pricing`: the markup policy). */
    pluginOptions: z.record(z.string(), z.record(z.string(), z.unknown())),
    /** Currency of the public retail rate sheet; carriers in others are left out of it. */
    retailCurrency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'),
    /** Where numbers' public keys come from: `dnssec` (a validating resolver) or `static` (a file; verifies nothing). */
    directory: z.enum(['static', 'dnssec']),
    /** The static directory's JSON file (default: directory.json in the data directory). */
    directoryFile: z.string().min(1).optional(),
    /** The validating resolver, `host:port`. */
    directoryResolver: z
      .string()
      .regex(/^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'must be host:port')
      .optional(),
    /** The zone numbers live under, e.g. e164.directory.example. */
    directoryZone: z.string().min(1).optional(),
    /** Operators sign API requests with these keys (base64 raw Ed25519), with roles such as admin and finance. */
    operators: z.array(
      z
        .object({
          id: z.string().min(1),
          publicKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be a base64 Ed25519 public key'),
          roles: z.array(z.string()),
        })
        .strict(),
    ),
    /** How far a signature's created time may be from now (seconds). */
    signatureWindowSeconds: z.coerce.number().int().min(10).max(3600),
    /** The URL clients address (scheme://host[:port]); requests' @target-uri is checked against it. */
    publicBaseUrl: z
      .string()
      .regex(/^https?:\/\/[^/]+$/, 'must be scheme://host[:port] with no path')
      .optional(),
    /** The SIP domain accounts register under. */
    sipDomain: z.string().min(1),
    /** Plan new accounts are rated on. */
    defaultPlan: z.string().min(1),
    /** auth_ephemeral secrets shared with Kamailio; the first signs, all verify (rotation). */
    sipSecrets: z.array(z.string().min(16, 'must be at least 16 characters')),
    sipCredentialTtlSeconds: z.coerce
      .number()
      .int()
      .min(60)
      .max(7 * 86400),
    sipHmac: z.enum(['sha1', 'sha256', 'sha384', 'sha512']),
    /** Registrar URIs handed to clients (default: sips:<sipDomain>): clients reach the provider only over TLS. */
    registrars: z.array(z.string().regex(/^sips:[^\s;]+$/, 'must be a sips: URI (clients register over TLS only)')).optional(),
    /** The registrar's WebSocket servers for the descriptor (`wss://sip.provider.example:8443`). */
    webSocketUris: z.array(z.string().regex(/^wss:\/\/[^\s/]+(\/\S*)?$/, 'must be a wss:// URL (clients connect over TLS only)')),
    /** coturn `static-auth-secret` (use-auth-secret), and the TURN/STUN URIs clients use. */
    turnSecret: z.string().min(16, 'must be at least 16 characters').optional(),
    turnUris: z.array(z.string().regex(/^(turns?|stun):/, 'must be a turn:, turns: or stun: URI')),
    turnTtlSeconds: z.coerce
      .number()
      .int()
      .min(60)
      .max(7 * 86400),
    /** Shown to clients in the provider descriptor. */
    providerName: z.string().min(1),
    /** PKCS#8 PEM of the provider's Ed25519 key (default: provider-key.pem in the data directory, made on first start). */
    providerKeyFile: z.string().min(1).optional(),
    /** STUN URIs for the descriptor (TURN URIs come from turnUris). */
    stunUris: z.array(z.string().regex(/^stuns?:/, 'must be a stun: URI')),
    /** A sentence for clients about trial credit, until the credit issue gives it a policy. */
    freeCredit: z.string().nullable(),
    /** Smallest and largest top-up a client may buy, in its account's currency (decimal strings). */
    topUpMinimum: z.string().regex(/^(0|[1-9]\d*)(\.\d+)?$/, 'must be a decimal string such as "5"'),
    topUpMaximum: z.string().regex(/^(0|[1-9]\d*)(\.\d+)?$/, 'must be a decimal string such as "500"'),
    /**
     * Per currency, the largest amount and the most decimal places a grant, voucher or top-up
     * may have; a currency left out keeps the default (10^11 minor units, its minor unit's places).
     */
    amountLimits: z.record(
      z.string().regex(/^[A-Z]{3}$/, 'must be keyed by ISO 4217 codes such as IDR'),
      z
        .object({
          maximum: z
            .string()
            .regex(/^(0|[1-9]\d*)(\.\d+)?$/, 'must be a decimal string such as "1000000"')
            .optional(),
          decimals: z.number().int('must be a whole number').min(0).max(12).optional(),
        })
        .strict(),
    ),
    /**
     * `run`: `serve` follows the log into the read models on its own event loop; `worker`: in a
     * worker thread of the same process (its own heap and garbage collector, so the requests
     * never wait for a projection batch); `elsewhere`: a `trunkline projector` process does (one
     * per cluster), and `serve` only answers, reading them. With the memory store, `worker`
     * means `run` (another thread cannot see this one's memory).
     */
    projections: z.enum(['run', 'worker', 'elsewhere']),
    /** Shared with the SIP proxy: its hooks send it as a Bearer token or Basic password. */
    sipHookSecret: z.string().min(16, 'must be at least 16 characters').optional(),
    /** The most one call grant lasts (seconds); the proxy cuts the call at its end unless extended. */
    callGrantSeconds: z.coerce.number().int().min(10).max(86400),
    /** How long past a grant's end its reservation waits for the CDR (seconds). */
    reservationTtlSeconds: z.coerce.number().int().min(10).max(86400),
    /** Decimal places a call's charge is rounded up to. */
    chargeDecimals: z.coerce.number().int().min(0).max(12),
    /** Digit prefixes no call may go to (premium rate, fraud ranges). */
    blockedPrefixes: z.array(z.string().regex(/^\d{1,15}$/, 'must be digits')),
    /** How often expired grants are looked for and their expiry recorded (seconds). */
    grantExpirySweepSeconds: z.coerce.number().int().min(1).max(86400),
    /** The most segments one text may take (a runaway-cost guard). */
    smsMaxSegments: z.coerce.number().int().min(1).max(255),
    /** Texts one account may send per minute and per day. */
    smsPerMinute: z.coerce.number().int().min(1),
    smsPerDay: z.coerce.number().int().min(1),
    /** A text accepted but not submitted this long after (a crash between the two) is failed and its credit released (seconds). */
    smsAbandonSeconds: z.coerce.number().int().min(30).max(86400),
    /**
     * Endpoints notifications are POSTed to, signed the Standard Webhooks way with their secret
     * (`whsec_` and base64 of at least 24 random bytes); `events` picks types (default: all).
     */
    webhooks: z.array(
      z
        .object({
          id: z.string().regex(/^[\w.-]{1,64}$/, 'must be 1–64 letters, digits, dots, dashes or underscores'),
          url: z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL'),
          secret: z.string().regex(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/, 'must be whsec_ followed by base64 of at least 24 bytes'),
          events: z.array(z.enum(NOTIFICATION_TYPES)).min(1).optional(),
        })
        .strict(),
    ),
    /** Per currency, the ledger balance below which `balance.low` fires (decimal strings). */
    lowBalanceThresholds: z.record(
      z.string().regex(/^[A-Z]{3}$/, 'must be keyed by ISO 4217 codes such as EUR'),
      z.string().regex(/^(0|[1-9]\d*)(\.\d+)?$/, 'must be a decimal string such as "1.00"'),
    ),
    /** How long before a grant with credit left lapses `grant.expiring` tells of it (hours). */
    grantExpiringNoticeHours: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 90),
    /** Notifications for events older than this when first projected are not sent (a new endpoint is not flooded with history). */
    webhookMaxAgeHours: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 30),
    /** Attempts before a notification goes to the dead-letter list. */
    webhookMaxAttempts: z.coerce.number().int().min(1).max(100),
    /** The longest wait between two attempts (seconds); waits double from 2 s up to it. */
    webhookRetryMaxSeconds: z.coerce.number().int().min(1).max(86400),
    /** What client apps' own webhook secrets derive from; unset, apps cannot register an endpoint. */
    clientWebhookSecret: z.string().min(32, 'must be at least 32 characters').optional(),
    /** `public`: client endpoints must be https on public addresses; `any`: also http and private ones (a lab). */
    clientWebhookTargets: z.enum(['public', 'any']),
    /** The operator key (PKCS#8 PEM) the CLI signs `trunkline accounts …` requests with, unless --key names one. */
    operatorKeyFile: z.string().min(1).optional(),
    /** Call and text records older than this many months leave the read models (the log keeps them); null keeps all. */
    recordsRetentionMonths: z.coerce.number().int().min(1).max(1200).nullable(),
    /** Digit prefixes per destination risk class, blocked for calls and texts unless allowed per account. */
    riskPrefixes: z
      .object({
        'premium-rate': z.array(z.string().regex(/^\d{1,15}$/)).optional(),
        'shared-cost': z.array(z.string().regex(/^\d{1,15}$/)).optional(),
        satellite: z.array(z.string().regex(/^\d{1,15}$/)).optional(),
        'high-cost': z.array(z.string().regex(/^\d{1,15}$/)).optional(),
      })
      .strict(),
    /** Per currency, what one account may be charged a UTC day and a calendar month (decimal strings). */
    spendCaps: z.record(
      z.string().regex(/^[A-Z]{3}$/, 'must be keyed by ISO 4217 codes such as EUR'),
      z
        .object({
          perDay: z
            .string()
            .regex(/^(0|[1-9]\d*)(\.\d+)?$/, 'must be a decimal string such as "20.00"')
            .optional(),
          perMonth: z
            .string()
            .regex(/^(0|[1-9]\d*)(\.\d+)?$/, 'must be a decimal string such as "200.00"')
            .optional(),
        })
        .strict(),
    ),
    /** Per currency, the most one call may cost (decimal strings): its grant, and each extension, stop there. */
    maxCallCost: z.record(
      z.string().regex(/^[A-Z]{3}$/, 'must be keyed by ISO 4217 codes such as EUR'),
      z
        .string()
        .regex(/^(0|[1-9]\d*)(\.\d+)?$/, 'must be a decimal string such as "5.00"')
        .regex(/[1-9]/, 'must be greater than 0'),
    ),
    /** Calls an account may have up at once, unless an operator set its own; null: no limit. */
    maxConcurrentCalls: z.coerce.number().int().min(1).max(100_000).nullable(),
    /** New calls an account may start in any minute, unless an operator set its own; null: no limit. */
    maxCallsPerMinute: z.coerce.number().int().min(1).max(100_000).nullable(),
    /** Emergency numbers by ISO 3166 country over the shipped table (core/calls/emergency-numbers.ts); `[]` removes a country's. */
    emergencyNumbers: z.record(
      z.string().regex(/^[A-Z]{2}$/, 'must be keyed by ISO 3166 country codes such as GB'),
      z.array(z.string().regex(/^\d{2,6}$/, 'must be short codes of 2 to 6 digits such as "112"')).max(20),
    ),
    /** The carrier emergency calls try first (a voice carrier with trunks); null: LCR over the caller's country only. */
    emergencyCarrier: z.string().min(1).max(100).nullable(),
    /**
     * The other providers' SIP domains calls may federate to: an ENUM SIP URI is a free on-net call
     * only at `sipDomain` or one of these (the proxy's PEER_DOMAINS must admit the same).
     */
    sipPeers: z
      .array(z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, 'must be domain names'))
      .max(1000),
  })
  .strict()
  .superRefine((c, ctx) => {
    if ((c.store === 'postgres' || c.readModels === 'postgres') && !c.postgresUrl) {
      ctx.addIssue({
        code: 'custom',
        path: ['postgresUrl'],
        message: 'is required when the store or read models are postgres (TRUNKLINE_POSTGRES_URL)',
      });
    }
    if (c.directory === 'dnssec' && (!c.directoryResolver || !c.directoryZone)) {
      ctx.addIssue({
        code: 'custom',
        path: [c.directoryResolver ? 'directoryZone' : 'directoryResolver'],
        message: 'is required for the dnssec directory',
      });
    }
    try {
      amountLimits(c.amountLimits);
    } catch (error) {
      if (!(error instanceof MoneyError)) throw error;
      ctx.addIssue({ code: 'custom', path: ['amountLimits'], message: error.message });
    }
    if (c.store === 'eventstoredb' && !c.eventStoreDbUrl) {
      ctx.addIssue({ code: 'custom', path: ['eventStoreDbUrl'], message: 'is required for the eventstoredb store (EVENTSTOREDB_URL)' });
    }
  });

export type Config = Omit<z.infer<typeof schema>, 'readModels' | 'directoryFile' | 'providerKeyFile'> & {
  readonly readModels: 'sqlite' | 'postgres';
  readonly directoryFile: string;
  readonly providerKeyFile: string;
};

export type ConfigKey = keyof z.input<typeof schema>;

const ENV: Readonly<Record<string, ConfigKey>> = {
  TRUNKLINE_DATA_DIR: 'dataDir',
  PORT: 'port',
  HOST: 'host',
  LOG_LEVEL: 'logLevel',
  TRUNKLINE_STORE: 'store',
  TRUNKLINE_READ_MODELS: 'readModels',
  TRUNKLINE_SQLITE_SYNCHRONOUS: 'sqliteSynchronous',
  TRUNKLINE_POSTGRES_URL: 'postgresUrl',
  EVENTSTOREDB_URL: 'eventStoreDbUrl',
  TRUNKLINE_READY_MAX_LAG: 'readyMaxLag',
  TRUNKLINE_RETAIL_CURRENCY: 'retailCurrency',
  TRUNKLINE_DIRECTORY: 'directory',
  TRUNKLINE_DIRECTORY_FILE: 'directoryFile',
  TRUNKLINE_DIRECTORY_RESOLVER: 'directoryResolver',
  TRUNKLINE_DIRECTORY_ZONE: 'directoryZone',
  TRUNKLINE_SIGNATURE_WINDOW: 'signatureWindowSeconds',
  TRUNKLINE_PUBLIC_URL: 'publicBaseUrl',
  TRUNKLINE_SIP_DOMAIN: 'sipDomain',
  TRUNKLINE_SIP_CREDENTIAL_TTL: 'sipCredentialTtlSeconds',
  TRUNKLINE_SIP_HMAC: 'sipHmac',
  TRUNKLINE_TURN_SECRET: 'turnSecret',
  TRUNKLINE_PROVIDER_NAME: 'providerName',
  TRUNKLINE_PROVIDER_KEY_FILE: 'providerKeyFile',
  TRUNKLINE_TOP_UP_MINIMUM: 'topUpMinimum',
  TRUNKLINE_SIP_HOOK_SECRET: 'sipHookSecret',
  TRUNKLINE_PROJECTIONS: 'projections',
  TRUNKLINE_CALL_GRANT_SECONDS: 'callGrantSeconds',
  TRUNKLINE_TOP_UP_MAXIMUM: 'topUpMaximum',
  TRUNKLINE_SMS_PER_MINUTE: 'smsPerMinute',
  TRUNKLINE_SMS_PER_DAY: 'smsPerDay',
  TRUNKLINE_RECORDS_RETENTION_MONTHS: 'recordsRetentionMonths',
  TRUNKLINE_MAX_CONCURRENT_CALLS: 'maxConcurrentCalls',
  TRUNKLINE_MAX_CALLS_PER_MINUTE: 'maxCallsPerMinute',
  TRUNKLINE_EMERGENCY_CARRIER: 'emergencyCarrier',
  TRUNKLINE_OPERATOR_KEY_FILE: 'operatorKeyFile',
  TRUNKLINE_WEBHOOK_RETRY_MAX_SECONDS: 'webhookRetryMaxSeconds',
  TRUNKLINE_CLIENT_WEBHOOK_SECRET: 'clientWebhookSecret',
  TRUNKLINE_CLIENT_WEBHOOK_TARGETS: 'clientWebhookTargets',
};

/** Settings the environment gives as comma-separated lists. */
const LIST_ENV: Readonly<Record<string, ConfigKey>> = {
  TRUNKLINE_SIP_SECRETS: 'sipSecrets',
  TRUNKLINE_WEBSOCKET_URIS: 'webSocketUris',
  TRUNKLINE_TURN_URIS: 'turnUris',
  TRUNKLINE_PLUGINS: 'plugins',
  TRUNKLINE_SIP_PEERS: 'sipPeers',
};

/** Stripe's keys, which usually live in the environment, land in `pluginOptions.stripe`. */
export const STRIPE_ENV = ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'STRIPE_API_URL'] as const;

const DEFAULTS = {
  dataDir: './data',
  port: 8080,
  host: '127.0.0.1',
  logLevel: 'info',
  store: 'sqlite',
  sqliteSynchronous: 'normal',
  readyMaxLag: 1000,
  plugins: [],
  pluginOptions: {},
  retailCurrency: 'EUR',
  directory: 'static',
  operators: [],
  signatureWindowSeconds: 300,
  sipDomain: 'localhost',
  defaultPlan: 'retail',
  sipSecrets: [],
  sipCredentialTtlSeconds: 3600,
  sipHmac: 'sha256',
  turnUris: [],
  webSocketUris: [],
  turnTtlSeconds: 3600,
  providerName: 'Trunkline provider',
  stunUris: [],
  freeCredit: null,
  topUpMinimum: '5',
  topUpMaximum: '500',
  amountLimits: {},
  grantExpirySweepSeconds: 60,
  projections: 'worker',
  callGrantSeconds: 3600,
  reservationTtlSeconds: 120,
  chargeDecimals: 6,
  blockedPrefixes: [],
  smsMaxSegments: 10,
  smsPerMinute: 10,
  smsPerDay: 200,
  smsAbandonSeconds: 300,
  recordsRetentionMonths: null,
  maxConcurrentCalls: null,
  maxCallCost: {},
  spendCaps: {},
  emergencyNumbers: {},
  emergencyCarrier: null,
  sipPeers: [],
  // Inmarsat and the satellite ranges of +881/+882; the high-cost list: destinations toll fraud
  // (IRSF) is known to terminate in, and the international premium-rate and network codes
  riskPrefixes: {
    satellite: ['870', '8816', '8817', '8818', '8819', '88216'],
    'high-cost': [
      '53',
      '235',
      '239',
      '247',
      '252',
      '290',
      '674',
      '675',
      '677',
      '678',
      '682',
      '683',
      '686',
      '688',
      '690',
      '691',
      '692',
      '882',
      '883',
      '979',
    ],
  },
  maxCallsPerMinute: null,
  webhooks: [],
  lowBalanceThresholds: {},
  webhookMaxAgeHours: 24,
  grantExpiringNoticeHours: 72,
  webhookMaxAttempts: 15,
  clientWebhookTargets: 'public',
  webhookRetryMaxSeconds: 3600,
};

/** What the configuration reference (README) is generated from: every key, its variables and default. */
export const CONFIG_REFERENCE = {
  keys: Object.keys(schema.shape) as ConfigKey[],
  env: ENV,
  listEnv: LIST_ENV,
  defaults: DEFAULTS as Readonly<Partial<Record<ConfigKey, unknown>>>,
};

/** Where each setting came from, for error messages that say what to fix. */
const SOURCE: Record<string, string> = Object.fromEntries(Object.entries(ENV).map(([env, key]) => [key, env]));

export interface ConfigSources {
  readonly env?: NodeJS.ProcessEnv;
  /** Flags from the command line (`--data-dir`, `--config`, …), already named as config keys. */
  readonly flags?: Readonly<Record<string, unknown>>;
  readonly cwd?: string;
}

/**
 * Defaults, then the JSON file (`--config`, TRUNKLINE_CONFIG, or trunkline.json in the data
 * directory), then the environment, then flags. Validated whole; the first bad value is one
 * line naming the setting, where it came from, and what it must be. Reads only: nothing is written.
 */
export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const cwd = sources.cwd ?? process.cwd();
  const flags = Object.fromEntries(Object.entries(sources.flags ?? {}).filter(([, v]) => v !== undefined));
  const fromEnv: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENV)) if (env[name] !== undefined && env[name] !== '') fromEnv[key] = env[name];
  for (const [name, key] of Object.entries(LIST_ENV))
    if (env[name])
      fromEnv[key] = env[name]
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
  // Stripe's keys are secrets: the environment is where they usually live
  const stripe: Record<string, string> = {};
  for (const [name, key] of [
    ['STRIPE_SECRET_KEY', 'secretKey'],
    ['STRIPE_WEBHOOK_SECRET', 'webhookSecret'],
    ['STRIPE_API_URL', 'apiUrl'],
  ] as const)
    if (env[name]) stripe[key] = env[name];

  const dataDir = String(flags['dataDir'] ?? fromEnv['dataDir'] ?? DEFAULTS.dataDir);
  const explicitFile = (flags['config'] ?? env['TRUNKLINE_CONFIG']) as string | undefined;
  const file = explicitFile ? resolve(cwd, explicitFile) : resolve(cwd, dataDir, 'trunkline.json');
  let fromFile: Record<string, unknown> = {};
  if (explicitFile && !existsSync(file)) throw new ConfigError(`configuration file ${file} does not exist`);
  if (existsSync(file)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('expected a JSON object');
      fromFile = parsed as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError(`configuration file ${file}: ${(error as Error).message}`);
    }
  }
  delete flags['config'];
  const merged = { ...DEFAULTS, ...fromFile, ...fromEnv, ...flags };
  if (Object.keys(stripe).length) {
    const options = (typeof merged.pluginOptions === 'object' && merged.pluginOptions !== null ? merged.pluginOptions : {}) as Record<
      string,
      Record<string, unknown>
    >;
    merged.pluginOptions = { ...options, stripe: { ...(options['stripe'] ?? {}), ...stripe } };
  }
  const result = schema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = issue.path.map(String).join('.') || '(root)';
    const top = String(issue.path[0] ?? '');
    const where = top in flags ? 'flag' : top in fromEnv ? (SOURCE[top] ?? 'environment') : top in fromFile ? file : 'configuration';
    const got = top in merged ? ` (got ${JSON.stringify((merged as Record<string, unknown>)[top])})` : '';
    const message = issue.code === 'unrecognized_keys' ? `unknown setting ${issue.keys.join(', ')}` : `${key} ${issue.message}`;
    throw new ConfigError(`invalid configuration: ${message}${issue.code === 'unrecognized_keys' ? '' : got} [${where}]`);
  }
  const base = dirname(file);
  const c = result.data;
  return {
    ...c,
    dataDir: resolve(cwd, c.dataDir),
    readModels: c.readModels ?? (c.store === 'postgres' ? 'postgres' : 'sqlite'),
    directoryFile: resolve(cwd, c.directoryFile ?? join(c.dataDir, 'directory.json')),
    providerKeyFile: resolve(cwd, c.providerKeyFile ?? join(c.dataDir, 'provider-key.pem')),
    plugins: c.plugins.map((p) => ({
      ...p,
      module:
        p.module.startsWith('.') && !isAbsolute(p.module) ? resolve(explicitFile || existsSync(file) ? base : cwd, p.module) : p.module,
    })),
  };
}
