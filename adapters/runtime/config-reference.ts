import { CONFIG_REFERENCE, STRIPE_ENV, type ConfigKey } from './config';

/**
 * One line on every setting, for the README's configuration table, which is generated from this
 * and the schema (`npm run docs:config`) and checked against them by a test: a key the schema
 * gains without a line here does not compile.
 */
const DESCRIPTIONS: Record<ConfigKey, string> = {
  dataDir: 'all local state: `events.sqlite`, `read-models.sqlite`, `spent-nonces.sqlite` (also `--data-dir`)',
  port: 'HTTP port (also `--port`)',
  host: 'address to listen on (`0.0.0.0` behind your proxy; also `--host`)',
  logLevel: 'pino level; logs are JSON on stdout',
  store: '`sqlite`, `postgres`, `eventstoredb`, `memory`',
  readModels: 'where projections live: `sqlite` or `postgres`',
  sqliteSynchronous: '`normal` survives any process crash; `full` also power loss, at a fraction of the speed',
  postgresUrl: '`postgres://…`',
  eventStoreDbUrl: '`esdb://host:2113?tls=false`',
  readyMaxLag: '`/readyz` fails while a projection is further behind',
  plugins: 'modules to load: `"./plugins/x"` or `{ "module": "pkg", "options": {…} }`',
  pluginOptions:
    'options by plugin name, built-ins included: `{ "pricing": { "markupPercent": "20" } }` ([docs/rating.md](docs/rating.md)); Stripe’s keys come from `STRIPE_SECRET_KEY`, `STRIPE_WEBHOOK_SECRET`, `STRIPE_API_URL`',
  retailCurrency: 'currency of the public retail rate sheet',
  directory:
    '`dnssec` (validating resolver; production) or `static` (a JSON file; verifies nothing) — [docs/directory.md](docs/directory.md)',
  directoryFile: 'the static directory',
  directoryResolver: 'the validating resolver, `127.0.0.1:53`',
  directoryZone: 'the directory zone, `e164.directory.example`',
  operators:
    '`[{ "id": "ops-1", "publicKey": "<base64>", "roles": ["admin"] }]`: operator keys for signed requests; roles `admin`, `finance`, `viewer` ([docs/directory.md](docs/directory.md#operator-roles))',
  signatureWindowSeconds: 'how far a signature’s `created` may be from now',
  publicBaseUrl: '`https://api.provider.example`: what clients sign as `@target-uri`; required unless `host` is loopback',
  sipDomain: 'SIP domain and auth realm',
  defaultPlan: 'the rating plan a new account is priced on',
  sipSecrets: 'Kamailio auth_ephemeral secrets, each at least 16 characters (the first signs, all verify)',
  sipCredentialTtlSeconds: 'how long SIP credentials handed to clients last',
  sipHmac: 'the HMAC of the SIP credentials: `sha1`, `sha256`, `sha384`, `sha512`',
  registrars: 'registrar URIs the descriptor hands to clients: `sips:` only, as clients reach the provider over TLS only',
  webSocketUris: 'the registrar’s WebSocket servers (`wss://sip.provider.example:8443`) the descriptor hands to browser and sip.js clients',
  turnSecret: 'coturn `static-auth-secret` (use-auth-secret), at least 16 characters',
  turnUris: 'TURN/STUN URIs handed out with the TURN credentials',
  turnTtlSeconds: 'how long TURN credentials last',
  providerName: 'the name clients see in the provider descriptor (`GET /.well-known/trunkline`)',
  providerKeyFile: 'PKCS#8 PEM of the provider’s Ed25519 key, which signs the descriptor; made on first start',
  stunUris: '`stun:` URIs for the descriptor (TURN URIs come from `turnUris`)',
  freeCredit:
    'a sentence for clients about trial credit in the descriptor; unset, what the opening policies say they give (`0.50 EUR of trial credit on opening, valid 30 days`)',
  topUpMinimum: 'smallest top-up, in the account’s currency',
  topUpMaximum: 'largest top-up, in the account’s currency',
  amountLimits:
    'per currency, the largest grant, voucher or top-up amount and its decimal places, e.g. `{"IDR": {"maximum": "50000000000"}}`; default 10^11 minor units ([docs/money.md](docs/money.md))',
  projections:
    '`worker`: a thread of `serve` feeds the read models; `run`: `serve`’s own event loop does; `elsewhere`: a `trunkline projector` process does ([docs/architecture.md](docs/architecture.md#where-the-projections-run))',
  sipHookSecret: 'shared with Kamailio, at least 16 characters: enables `/v1/hooks/sip/*` ([docs/sip.md](docs/sip.md))',
  callGrantSeconds: 'the longest call grant; the proxy cuts the call at its end unless extended',
  reservationTtlSeconds: 'how long past a grant’s end its reservation waits for the CDR',
  chargeDecimals: 'decimal places a call’s charge is rounded up to',
  blockedPrefixes: 'digit prefixes no call or text may go to (premium rate, fraud ranges)',
  grantExpirySweepSeconds: 'how often expired grants are recorded as expired',
  smsMaxSegments: 'the most segments one text may take ([docs/sms.md](docs/sms.md))',
  smsPerMinute: 'texts one account may send per minute',
  smsPerDay: 'texts one account may send per day',
  smsAbandonSeconds: 'when a text accepted but never submitted (a crash between the two) is failed and its credit released',
  recordsRetentionMonths:
    'call and text records older than this many months leave the read models, swept hourly; the log keeps every event ([docs/records.md](docs/records.md))',
  operatorKeyFile: 'the operator key (PEM) `trunkline accounts …` signs with when no `--key` is given',
  webhooks:
    'endpoints notifications are POSTed to: `[{ "id", "url", "secret": "whsec_…", "events"? }]` ([docs/notifications.md](docs/notifications.md))',
  lowBalanceThresholds: 'per currency, the ledger balance below which `balance.low` fires: `{ "EUR": "1.00" }`',
  webhookMaxAgeHours: 'events older than this when first projected notify nobody',
  grantExpiringNoticeHours: 'how long before a grant with credit left lapses `grant.expiring` tells of it',
  webhookMaxAttempts: 'attempts before a notification goes to the dead-letter list',
  riskPrefixes:
    'digit prefixes per destination risk class (`premium-rate`, `shared-cost`, `satellite`, `high-cost`) on top of libphonenumber’s premium-rate and shared-cost types; calls and texts to them are refused 403 `risky-destination` unless an operator allows the class for the account ([docs/limits.md](docs/limits.md))',
  spendCaps:
    'per currency, what one account may be charged a UTC day and a calendar month: `{ "EUR": { "perDay": "20", "perMonth": "200" } }`; holds of calls in progress count as spent; past it calls and texts are refused 403 `spend-cap-reached` ([docs/limits.md](docs/limits.md))',
  emergencyNumbers:
    'emergency numbers by ISO 3166 country, over the shipped table: `{ "GB": ["999", "112"] }` replaces that country’s list, `[]` removes it; a caller dialing one of their own country’s numbers is let through whatever they owe, charged nothing ([docs/limits.md](docs/limits.md#emergency-calls))',
  sipPeers:
    'federation peers: other providers’ SIP domains an ENUM SIP URI may name for a free on-net call (any other domain, an IP address or a port is routed as PSTN); the proxy’s `PEER_DOMAINS` must admit the same',
  emergencyCarrier:
    'the carrier emergency calls try first; then every voice carrier that terminates into the caller’s country, cheapest first, without the margin guard ([docs/limits.md](docs/limits.md#emergency-calls))',
  maxCallCost:
    'per currency, the most one call may cost: `{ "EUR": "5.00" }`; the grant and each extension stop there (the proxy ends the call), a call whose first increment costs more is refused 403 `call-cost-cap` ([docs/limits.md](docs/limits.md))',
  maxConcurrentCalls:
    'calls an account may have up at once (authorized, not ended or lapsed); an operator’s `trunkline accounts limits` overrides it per account; null: no limit. Refused: 403 `concurrent-call-limit`, SIP 486',
  maxCallsPerMinute:
    'new calls an account may start in any 60 s; overridable per account; null: no limit. Refused: 429 `call-rate-limit` with Retry-After, SIP 503',
  clientWebhookSecret:
    'what client apps’ webhook signing secrets derive from (at least 32 characters); unset, `PUT /v1/accounts/me/webhook` answers 503 ([docs/notifications.md](docs/notifications.md))',
  clientWebhookTargets:
    '`public`: a client’s endpoint must be https on a public address, checked again at every delivery; `any`: http and private addresses too (a lab, tests)',
  webhookRetryMaxSeconds: 'the longest wait between two attempts',
};

/** Defaults that depend on other settings, said in words. */
const COMPUTED_DEFAULTS: Partial<Record<ConfigKey, string>> = {
  readModels: '`postgres` with a postgres store, else `sqlite`',
  directoryFile: '`<dataDir>/directory.json`',
  providerKeyFile: '`<dataDir>/provider-key.pem`',
  registrars: '`sips:<sipDomain>`',
};

const cell = (text: string) => text.replace(/\|/g, '\\|');

function defaultOf(key: ConfigKey): string {
  const computed = COMPUTED_DEFAULTS[key];
  if (computed) return computed;
  if (!(key in CONFIG_REFERENCE.defaults)) return '';
  return `\`${JSON.stringify(CONFIG_REFERENCE.defaults[key])}\``;
}

/** The configuration table, one row per key in the schema's order. */
export function configTable(): string {
  const envOf = new Map<ConfigKey, string[]>();
  const add = (key: ConfigKey, text: string) => envOf.set(key, [...(envOf.get(key) ?? []), text]);
  for (const [name, key] of Object.entries(CONFIG_REFERENCE.env)) add(key, `\`${name}\``);
  for (const [name, key] of Object.entries(CONFIG_REFERENCE.listEnv)) add(key, `\`${name}\` (comma list)`);
  envOf.set(
    'pluginOptions',
    STRIPE_ENV.map((n) => `\`${n}\``),
  );
  const rows = CONFIG_REFERENCE.keys.map(
    (key) => `| \`${key}\` | ${cell((envOf.get(key) ?? []).join(', '))} | ${cell(defaultOf(key))} | ${cell(DESCRIPTIONS[key])} |`,
  );
  return ['| key | environment | default | what it does |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
