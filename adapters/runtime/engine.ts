import 'reflect-metadata';
import type { Server } from 'node:http';
import type Database from 'better-sqlite3';
import { Router, type Express } from 'express';
import { Container } from 'inversify';
import pino, { type Logger } from 'pino';
import { amountLimits } from '../../core/amount-limits';
import { systemClock, type Clock } from '../../core/clock';
import type { EventStore } from '../../core/event-store';
import { uuidv7Generator, type IdGenerator } from '../../core/ids';
import type { Projection } from '../../application/ports/projection';
import type { ReadModelStore } from '../../application/ports/read-model-store';
import { projectionRunner, type ProjectionRunner, type ProjectionStatus } from '../../projections/runner';
import type { AccountOpeningPolicy, DeckImporter, PluginHost, RouterDeps, TariffImporter } from '../../application/ports/plugin-api';
import type { PaymentProcessor } from '../../core/payments/processor';
import { balancesProjection } from '../../projections/balances/projection';
import { accountsWithDueGrants } from '../../projections/balances/queries';
import { walletService, type WalletService } from '../../application/wallet/service';
import { walletRouter } from '../http/routers/wallet';
import { topUpsRouter, webhooksRouter } from '../http/routers/payments';
import { waitForProjection } from '../../projections/wait';
import { callService, type CallService } from '../../application/calls/service';
import { sipHookRoutes } from '../http/routers/sip-hooks';
import { DASHBOARD_LINK_SECONDS, DASHBOARD_SESSION_SECONDS, financeDashboardRouter } from '../http/routers/finance-dashboard';
import { smsRouter, smsSendRoute } from '../http/routers/sms';
import { financeRouter } from '../http/routers/finance';
import { smsService, type SmsService } from '../../application/sms/service';
import type { SmsGatewayFactory } from '../../application/ports/sms-gateway';
import { smsProjection } from '../../projections/sms/projection';
import { financeProjection } from '../../projections/finance/projection';
import { ownerOfMessage, staleAcceptedSms } from '../../projections/sms/queries';
import { accountsWithDueReservations } from '../../projections/balances/queries';
import type { PricingPolicy } from '../../core/rating/pricing-policy';
import { ratesLookup, ratesSource, type RatesLookup } from '../../projections/rates/lookup';
import { ratingService, type RatingService } from '../../application/rating/service';
import { recordRejectedFact } from '../../application/facts/rejected-facts';
import { servingNodes, type ServingNodes } from '../../projections/rates/serving-nodes';
import { ratesFollower, type RatesFollower } from './rates-follower';
import { createHttpApp } from '../http/app';
import { healthRouter } from '../http/routers/health';
import { accountsRouter } from '../http/routers/accounts';
import { accountService, type AccountService } from '../../application/accounts/service';
import { keyResolver } from '../http/signatures/key-resolver';
import type { SignatureDeps } from '../http/signatures/middleware';
import { openDirectory } from './open-directory';
import { requirePublicUrl } from './public-url';
import { loggerOptions } from './log-redaction';
import { providerKey } from './provider-key';
import { providerDescriptorRouter } from '../http/routers/provider-descriptor';
import type { Directory } from '../../core/directory';
import type { Config } from './config';
import { createMetrics, instrumentStore, type Metrics } from './metrics';
import { openEventStore, openReadModels, openServingNodesStore, openSpentNonces } from './open-stores';
import type { SpentNonces } from '../../application/ports/spent-nonces';
import { BUILTIN_PLUGINS, loadPlugin } from './plugin-loader';
import { pluginRouter } from './plugin-router';
import { guard } from '../http/guard';
import { TOKENS } from './tokens';
import { startProjectionThread, type ProjectionThread } from './projection-thread';
import { checkStorageAtStart } from './storage-check';
import { storageHealth, type StorageHealth } from './storage-health';
import { watchEventStore, watchSpentNonces } from './storage-watch';
import { eventRegistry } from '../../core/events/registry';

interface Extensions {
  readonly projections: Projection[];
  readonly routers: { path: string; build: (deps: RouterDeps, signatures: SignatureDeps) => Router }[];
  readonly plugins: string[];
  readonly deckImporters: Map<string, DeckImporter>;
  readonly tariffImporters: Map<string, TariffImporter>;
  readonly pricingPolicies: Map<string, PricingPolicy>;
  readonly processors: Map<string, PaymentProcessor>;
  readonly openingPolicies: Map<string, AccountOpeningPolicy>;
  readonly jobs: { name: string; everySeconds: number; run: (deps: RouterDeps) => Promise<void> }[];
  readonly smsGateways: Map<string, SmsGatewayFactory>;
}

export interface Engine {
  readonly config: Config;
  readonly logger: Logger;
  readonly store: EventStore;
  readonly readModels: ReadModelStore;
  readonly runner: ProjectionRunner;
  readonly metrics: Metrics;
  readonly ids: IdGenerator;
  readonly plugins: readonly string[];
  readonly app: Express & { readonly routes: readonly string[] };
  readonly rating: RatingService;
  readonly lookup: RatesLookup;
  readonly accounts: AccountService;
  readonly wallet: WalletService;
  readonly calls: CallService;
  readonly sms: SmsService;
  readonly paymentProcessors: ReadonlyMap<string, PaymentProcessor>;
  readonly directory: Directory;
  /** Records the expiry of grants that are due (the server runs this every grantExpirySweepSeconds). */
  expireDueGrants(limit?: number): Promise<number>;
  /** Starts the projections and the HTTP server; resolves once it listens. */
  serve(): Promise<Server>;
  /**
   * Follows the rates catalog as a serving engine does (`serve` starts it): for an embedder that
   * serves `app` on a server of its own. Idempotent.
   */
  followRates(): Promise<void>;
  /** Where serving engines confirm their rates revision; an operator's change waits on it. */
  servingNodes(): Promise<ServingNodes>;
  close(): Promise<void>;
}

export interface EngineOptions {
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Told after each batch a projection commits, with the events it applied (the projection thread forwards the rates' ones). */
  readonly onProjectionBatch?: (projection: string, applied: number) => void;
  /** Given each SQLite connection the engine opens to its log (tests simulate a full disk on it). */
  readonly onSqliteOpen?: (role: 'events', db: Database.Database) => void;
}

/**
 * The composition root: the only code that touches the container. Everything below it takes
 * its dependencies as arguments.
 */
export async function createEngine(config: Config, options: EngineOptions = {}): Promise<Engine> {
  const container = new Container();
  /** The event types this engine may append: its own, and its plugins' (filled while they register). */
  const events = eventRegistry();
  const logger = options.logger ?? pino(loggerOptions(config.logLevel));
  container.bind(TOKENS.Config).toConstantValue(config);
  container.bind(TOKENS.Logger).toConstantValue(logger);
  container.bind(TOKENS.Clock).toConstantValue(options.clock ?? systemClock);
  container
    .bind(TOKENS.Ids)
    .toDynamicValue((ctx) => uuidv7Generator(ctx.get<Clock>(TOKENS.Clock)))
    .inSingletonScope();
  let health: StorageHealth | null = null;
  /** One for the engine, registered with its metrics on first use. */
  const storageHealthOf = (metrics: Metrics): StorageHealth => (health ??= storageHealth({ registry: metrics.registry, logger }));
  container
    .bind(TOKENS.Metrics)
    .toDynamicValue(() => createMetrics(() => projectionStatus()))
    .inSingletonScope();
  container
    .bind(TOKENS.EventStore)
    .toDynamicValue(async (ctx) => {
      const opened = await openEventStore(config, ctx.get<Clock>(TOKENS.Clock), options.onSqliteOpen, events);
      const health = storageHealthOf(ctx.get<Metrics>(TOKENS.Metrics));
      if (opened.probeWrite) health.probeWith('events', opened.probeWrite);
      return instrumentStore(watchEventStore(opened, health), ctx.get<Metrics>(TOKENS.Metrics));
    })
    .inSingletonScope();
  container
    .bind(TOKENS.ReadModels)
    .toDynamicValue(() => openReadModels(config))
    .inSingletonScope();
  container
    .bind(TOKENS.SpentNonces)
    .toDynamicValue(async (ctx) => {
      const opened = await openSpentNonces(config);
      const health = storageHealthOf(ctx.get<Metrics>(TOKENS.Metrics));
      if (opened.probeWrite) health.probeWith('spent-nonces', opened.probeWrite);
      return watchSpentNonces(opened, health);
    })
    .inSingletonScope();
  container
    .bind(TOKENS.Extensions)
    .toDynamicValue(async (ctx): Promise<Extensions> => {
      const ext: Extensions = {
        // the engine's own read models; plugins add theirs
        projections: [balancesProjection, smsProjection, financeProjection],
        routers: [],
        plugins: [],
        deckImporters: new Map(),
        tariffImporters: new Map(),
        pricingPolicies: new Map(),
        processors: new Map(),
        openingPolicies: new Map(),
        jobs: [],
        smsGateways: new Map(),
      };
      const unique = <T>(map: Map<string, T>, key: string, value: T, what: string, plugin: string) => {
        if (map.has(key)) throw new Error(`plugin ${plugin}: a ${what} named ${key} exists already`);
        map.set(key, value);
      };
      for (const entry of [...BUILTIN_PLUGINS.map((module) => ({ module, options: {} })), ...config.plugins]) {
        const plugin = loadPlugin(entry.module);
        if (plugin.containerModule) await container.load(plugin.containerModule);
        const host: PluginHost = {
          options: { ...(config.pluginOptions[plugin.name] ?? {}), ...entry.options },
          logger: logger.child({ plugin: plugin.name }),
          clock: ctx.get<Clock>(TOKENS.Clock),
          addProjection: (p) => {
            if (ext.projections.some((q) => q.name === p.name))
              throw new Error(`plugin ${plugin.name}: a projection named ${p.name} exists already`);
            ext.projections.push(p);
          },
          addRouter: (path, build, access) => void ext.routers.push({ path, build: pluginRouter(build, access) }),
          addDeckImporter: (i) => unique(ext.deckImporters, i.format, i, 'deck format', plugin.name),
          addTariffImporter: (i) => unique(ext.tariffImporters, i.format, i, 'tariff format', plugin.name),
          addPricingPolicy: (p) => unique(ext.pricingPolicies, p.name, p, 'pricing policy', plugin.name),
          addPaymentProcessor: (p) => unique(ext.processors, p.name, p, 'payment processor', plugin.name),
          addAccountOpeningPolicy: (p) => unique(ext.openingPolicies, p.name, p, 'account opening policy', plugin.name),
          addJob: (name, everySeconds, run) => void ext.jobs.push({ name: `${plugin.name}:${name}`, everySeconds, run }),
          addSmsGateway: (id, factory) => unique(ext.smsGateways, id, factory, 'SMS gateway', plugin.name),
          addEvents: (definitions) => events.add(definitions, `plugin ${plugin.name}`),
        };
        await plugin.register?.(host);
        ext.plugins.push(plugin.name);
      }
      return ext;
    })
    .inSingletonScope();
  container
    .bind(TOKENS.ProjectionRunner)
    .toDynamicValue(async (ctx) =>
      projectionRunner({
        store: await ctx.getAsync<EventStore>(TOKENS.EventStore),
        readModels: await ctx.getAsync<ReadModelStore>(TOKENS.ReadModels),
        projections: (await ctx.getAsync<Extensions>(TOKENS.Extensions)).projections,
        clock: ctx.get<Clock>(TOKENS.Clock),
        onError: (projection, error) => logger.error({ projection, err: error }, 'projection failed; retrying'),
        onStop: (projection, error) =>
          logger.error(
            { projection, position: error.event.position, eventId: error.event.id, type: error.event.type, reason: error.reason },
            'projection stopped: it cannot apply this event; the others go on (fix, then `trunkline projections rebuild`)',
          ),
        onBatch: (projection, _position, applied) => {
          options.onProjectionBatch?.(projection, applied);
          // a batch of calls alone, the common case under load, moves the rates' checkpoint and nothing they show
          if (projection === 'rates' && applied > 0) ratesApplied();
        },
      }),
    )
    .inSingletonScope();
  container
    .bind(TOKENS.Directory)
    .toDynamicValue((ctx) => openDirectory(config, ctx.get<Clock>(TOKENS.Clock), logger))
    .inSingletonScope();
  container
    .bind(TOKENS.Accounts)
    .toDynamicValue(async (ctx) => {
      const policies = [...(await ctx.getAsync<Extensions>(TOKENS.Extensions)).openingPolicies.values()];
      return accountService({
        store: await ctx.getAsync<EventStore>(TOKENS.EventStore),
        ids: ctx.get<IdGenerator>(TOKENS.Ids),
        clock: ctx.get<Clock>(TOKENS.Clock),
        sipDomain: config.sipDomain,
        defaultPlan: config.defaultPlan,
        defaultCurrency: config.retailCurrency,
        welcome: (currency, openedAt) => policies.flatMap((p) => p.welcome(currency, openedAt)),
      });
    })
    .inSingletonScope();
  container
    .bind(TOKENS.Wallet)
    .toDynamicValue(async (ctx) =>
      walletService({
        store: await ctx.getAsync<EventStore>(TOKENS.EventStore),
        ids: ctx.get<IdGenerator>(TOKENS.Ids),
        clock: ctx.get<Clock>(TOKENS.Clock),
      }),
    )
    .inSingletonScope();
  const routerDeps: { current: RouterDeps | null } = { current: null };
  const ratingRef: { current: RatingService | null } = { current: null };
  /** Only a server follows the catalog live; one-shot commands sync the lookup themselves. */
  const followerRef: { current: RatesFollower | null } = { current: null };
  /** The rates projection committed rate events here or in the projection thread: look now, not at the next tick. */
  const ratesApplied = () => {
    if (followerRef.current) setImmediate(() => void followerRef.current?.poke());
  };
  // with the memory store another thread would see an empty log
  const projectionMode = config.projections === 'worker' && config.store === 'memory' ? 'run' : config.projections;
  let projectionThread: ProjectionThread | null = null;
  /** The thread's own account when the projections run there (running, last error), else this runner's. */
  const projectionStatus = async (): Promise<ProjectionStatus[]> =>
    (await projectionThread?.status()) ?? (await container.getAsync<ProjectionRunner>(TOKENS.ProjectionRunner)).status();
  container
    .bind(TOKENS.RatesLookup)
    .toDynamicValue(async (ctx) => ratesLookup(await ctx.getAsync<ReadModelStore>(TOKENS.ReadModels)))
    .inSingletonScope();
  container
    .bind(TOKENS.Rating)
    .toDynamicValue(async (ctx) => {
      const ext = await ctx.getAsync<Extensions>(TOKENS.Extensions);
      const pricing = ext.pricingPolicies.get('markup') ?? [...ext.pricingPolicies.values()][0];
      if (!pricing) throw new Error('no pricing policy registered');
      return (ratingRef.current = ratingService({
        store: await ctx.getAsync<EventStore>(TOKENS.EventStore),
        ids: ctx.get<IdGenerator>(TOKENS.Ids),
        clock: ctx.get<Clock>(TOKENS.Clock),
        rates: ratesSource(
          await ctx.getAsync<ProjectionRunner>(TOKENS.ProjectionRunner),
          await ctx.getAsync<RatesLookup>(TOKENS.RatesLookup),
        ),
        deckImporters: ext.deckImporters,
        tariffImporters: ext.tariffImporters,
        pricing,
        retailCurrency: config.retailCurrency,
        blockedPrefixes: config.blockedPrefixes,
        logger,
        ensureCurrent: () => followerRef.current?.ensureCurrent() ?? Promise.resolve(),
      }));
    })
    .inSingletonScope();
  container
    .bind(TOKENS.Calls)
    .toDynamicValue(async (ctx) =>
      callService({
        wallet: await ctx.getAsync<WalletService>(TOKENS.Wallet),
        rating: await ctx.getAsync<RatingService>(TOKENS.Rating),
        directory: ctx.get<Directory>(TOKENS.Directory),
        clock: ctx.get<Clock>(TOKENS.Clock),
        logger: logger.child({ component: 'calls' }),
        policy: {
          grantSeconds: config.callGrantSeconds,
          reservationTtlSeconds: config.reservationTtlSeconds,
          chargeDecimals: config.chargeDecimals,
        },
      }),
    )
    .inSingletonScope();
  container
    .bind(TOKENS.Sms)
    .toDynamicValue(async (ctx) => {
      const readModels = await ctx.getAsync<ReadModelStore>(TOKENS.ReadModels);
      const store = await ctx.getAsync<EventStore>(TOKENS.EventStore);
      return smsService({
        wallet: await ctx.getAsync<WalletService>(TOKENS.Wallet),
        rating: await ctx.getAsync<RatingService>(TOKENS.Rating),
        store,
        clock: ctx.get<Clock>(TOKENS.Clock),
        logger: logger.child({ component: 'sms' }),
        gateways: (await ctx.getAsync<Extensions>(TOKENS.Extensions)).smsGateways,
        limits: { maxSegments: config.smsMaxSegments, perMinute: config.smsPerMinute, perDay: config.smsPerDay },
        chargeDecimals: config.chargeDecimals,
        findOwner: async (gatewayId, messageId) => {
          const known = await ownerOfMessage(readModels, gatewayId, messageId);
          if (known) return known;
          // a receipt can outrun the read model (another node sent the text): catch up with the log once
          await waitForProjection(readModels, 'sms', await store.head(), 3000);
          return ownerOfMessage(readModels, gatewayId, messageId);
        },
      });
    })
    .inSingletonScope();
  container
    .bind(TOKENS.HttpApp)
    .toDynamicValue(async (ctx) => {
      const store = await ctx.getAsync<EventStore>(TOKENS.EventStore);
      const readModels = await ctx.getAsync<ReadModelStore>(TOKENS.ReadModels);
      const metrics = ctx.get<Metrics>(TOKENS.Metrics);
      const rating = await ctx.getAsync<RatingService>(TOKENS.Rating);
      const clock = ctx.get<Clock>(TOKENS.Clock);
      const directory = ctx.get<Directory>(TOKENS.Directory);
      const spentNonces = await ctx.getAsync<SpentNonces>(TOKENS.SpentNonces);
      const signatures: SignatureDeps = {
        resolveKeys: keyResolver(directory, config.operators),
        nonces: spentNonces,
        now: () => clock.now(),
        windowSeconds: config.signatureWindowSeconds,
        ...(config.publicBaseUrl ? { publicBaseUrl: config.publicBaseUrl } : {}),
      };
      const accounts = await ctx.getAsync<AccountService>(TOKENS.Accounts);
      const wallet = await ctx.getAsync<WalletService>(TOKENS.Wallet);
      const providerSigning = providerKey(config.providerKeyFile);
      const deps: RouterDeps = {
        rating,
        store,
        readModels,
        logger,
        clock,
        wallet,
        accounts,
        guard: (access) => guard(signatures, access),
        ids: ctx.get<IdGenerator>(TOKENS.Ids),
        sms: await ctx.getAsync<SmsService>(TOKENS.Sms),
        amountLimits: amountLimits(config.amountLimits),
      };
      routerDeps.current = deps;
      const ext = await ctx.getAsync<Extensions>(TOKENS.Extensions);
      const payments = {
        processors: ext.processors,
        accounts,
        wallet,
        signatures,
        logger,
        topUpMinimum: config.topUpMinimum,
        topUpMaximum: config.topUpMaximum,
        amountLimits: deps.amountLimits,
        store,
        now: () => clock.now(),
      };
      const smsDeps = {
        sms: deps.sms,
        readModels,
        signatures,
        waitForSms: (position: number) => waitForProjection(readModels, 'sms', position, 3000),
      };
      return createHttpApp({
        logger,
        metrics,
        fastRoutes: [
          ...sipHookRoutes({
            calls: await ctx.getAsync<CallService>(TOKENS.Calls),
            secret: config.sipHookSecret,
            rejectFact: (fact) => recordRejectedFact(store, { ...fact, at: clock.now() }),
          }),
          smsSendRoute(smsDeps),
        ],
        routers: [
          {
            path: '/',
            router: providerDescriptorRouter({
              descriptor: {
                name: config.providerName,
                sipDomain: config.sipDomain,
                registrars: config.registrars ?? [`sip:${config.sipDomain};transport=udp`, `sip:${config.sipDomain};transport=tcp`],
                stun: config.stunUris,
                turn: config.turnUris,
                currencies: [config.retailCurrency],
                freeCredit: config.freeCredit,
              },
              key: providerSigning.privateKey,
              publicKey: providerSigning.publicKeyBase64,
              ...(config.publicBaseUrl ? { publicBaseUrl: config.publicBaseUrl } : {}),
              now: () => clock.now(),
            }),
          },
          {
            path: '/',
            router: healthRouter({
              logger,
              store,
              readModels,
              projections: projectionStatus,
              registry: metrics.registry,
              maxLag: config.readyMaxLag,
              projectionsElsewhere: projectionMode === 'elsewhere',
              storageFaults: () => storageHealthOf(metrics).faults(),
              ratesAge: () => followerRef.current?.age() ?? null,
            }),
          },
          {
            path: '/v1/accounts',
            router: accountsRouter({
              accounts,
              signatures,
              sipDomain: config.sipDomain,
              sip: {
                secrets: config.sipSecrets,
                ttlSeconds: config.sipCredentialTtlSeconds,
                hmac: config.sipHmac,
                registrars: config.registrars ?? [`sip:${config.sipDomain};transport=udp`, `sip:${config.sipDomain};transport=tcp`],
                ...(config.turnSecret ? { turnSecret: config.turnSecret } : {}),
                turnUris: config.turnUris,
                turnTtlSeconds: config.turnTtlSeconds,
                now: () => clock.now(),
              },
            }),
          },
          {
            path: '/v1/accounts',
            router: walletRouter({
              readModels,
              wallet,
              signatures,
              now: () => clock.now(),
              waitForBalances: (position) => waitForProjection(readModels, 'balances', position, 3000),
              amountLimits: deps.amountLimits,
            }),
          },
          { path: '/v1/accounts', router: topUpsRouter(payments) },
          { path: '/v1/webhooks', router: webhooksRouter(payments) },
          { path: '/v1/finance', router: financeRouter({ readModels, signatures }) },
          {
            path: '/finance',
            router: financeDashboardRouter({
              readModels,
              operators: config.operators,
              now: () => clock.now(),
              nonces: spentNonces,
              linkMaxTtlSeconds: DASHBOARD_LINK_SECONDS,
              sessionSeconds: DASHBOARD_SESSION_SECONDS,
            }),
          },
          {
            path: '/v1/sms',
            router: smsRouter(smsDeps),
          },
          ...ext.routers.map((r) => ({ path: r.path, router: r.build(deps, signatures) })),
        ],
      });
    })
    .inSingletonScope();

  let store: EventStore | undefined;
  let readModels: ReadModelStore | undefined;
  let spentNonces: SpentNonces | undefined;
  try {
    store = await container.getAsync<EventStore>(TOKENS.EventStore);
    readModels = await container.getAsync<ReadModelStore>(TOKENS.ReadModels);
    spentNonces = await container.getAsync<SpentNonces>(TOKENS.SpentNonces);
    const runner = await container.getAsync<ProjectionRunner>(TOKENS.ProjectionRunner);
    const app = await container.getAsync<Express & { readonly routes: readonly string[] }>(TOKENS.HttpApp);
    const ext = await container.getAsync<Extensions>(TOKENS.Extensions);
    let server: Server | undefined;
    let shutdown: Promise<void> | null = null;
    const timers: NodeJS.Timeout[] = [];
    const opened = { store, readModels, spentNonces };
    const wallet = await container.getAsync<WalletService>(TOKENS.Wallet);
    const clock = container.get<Clock>(TOKENS.Clock);
    const calls = await container.getAsync<CallService>(TOKENS.Calls);
    const sms = await container.getAsync<SmsService>(TOKENS.Sms);
    async function expireDueGrants(limit = 500): Promise<number> {
      return wallet.expireDue(await accountsWithDueGrants(opened.readModels, clock.now(), limit));
    }
    let registry: Promise<{ store: ReadModelStore; shared: boolean }> | null = null;
    /** The serving-node registry, opened on first use (one-shot commands that change nothing never open it). */
    const servingNodesOf = async (): Promise<ServingNodes> =>
      servingNodes((await (registry ??= openServingNodesStore(config, opened.readModels))).store);
    const followRates = async (): Promise<void> => {
      if (followerRef.current) return;
      followerRef.current = ratesFollower({
        lookup: await container.getAsync<RatesLookup>(TOKENS.RatesLookup),
        nodes: await servingNodesOf(),
        logger: logger.child({ component: 'rates' }),
        // the retail sheet is built here, off the request path
        onChange: () => void ratingRef.current?.current(),
      });
      await followerRef.current.start();
    };
    return {
      config,
      logger,
      store,
      readModels,
      runner,
      app,
      metrics: container.get<Metrics>(TOKENS.Metrics),
      ids: container.get<IdGenerator>(TOKENS.Ids),
      plugins: ext.plugins,
      rating: await container.getAsync<RatingService>(TOKENS.Rating),
      lookup: await container.getAsync<RatesLookup>(TOKENS.RatesLookup),
      accounts: await container.getAsync<AccountService>(TOKENS.Accounts),
      wallet: await container.getAsync<WalletService>(TOKENS.Wallet),
      calls,
      sms,
      paymentProcessors: ext.processors,
      expireDueGrants,
      directory: container.get<Directory>(TOKENS.Directory),
      followRates,
      servingNodes: servingNodesOf,
      async serve() {
        requirePublicUrl(config);
        await checkStorageAtStart(config, logger, (role, message) => {
          logger.error({ store: role }, message);
          // read models are rebuilt from the log: their projections fail and say so themselves
          if (role !== 'read-models') storageHealthOf(container.get<Metrics>(TOKENS.Metrics)).failed(role, 'corrupt');
        });
        if (projectionMode === 'run') await runner.start();
        if (projectionMode === 'worker')
          projectionThread = await startProjectionThread({
            config,
            logger,
            onRatesApplied: ratesApplied,
          });
        await followRates();
        const jobs = [
          { name: 'expire-grants', everySeconds: config.grantExpirySweepSeconds, run: () => expireDueGrants().then(() => undefined) },
          {
            name: 'expire-reservations',
            everySeconds: 15,
            run: async () => void (await calls.expireReservations(await accountsWithDueReservations(opened.readModels, clock.now(), 500))),
          },
          {
            name: 'abandon-unsubmitted-sms',
            everySeconds: 30,
            run: async () =>
              void (await sms.abandon(
                await staleAcceptedSms(opened.readModels, new Date(clock.now().getTime() - config.smsAbandonSeconds * 1000), 500),
              )),
          },
          ...ext.jobs,
        ];
        for (const job of jobs) {
          let running = false;
          const timer = setInterval(() => {
            if (running || !routerDeps.current) return;
            running = true;
            job
              .run(routerDeps.current)
              .catch((err: unknown) => logger.error({ err, job: job.name }, 'job failed'))
              .finally(() => (running = false));
          }, job.everySeconds * 1000);
          timer.unref();
          timers.push(timer);
        }
        server = await new Promise<Server>((resolve, reject) => {
          const s = app.listen(config.port, config.host, () => resolve(s));
          s.once('error', reject);
        });
        return server;
      },
      /** Idempotent: a second call waits for the first (a PostgreSQL pool may be ended once only). */
      close() {
        shutdown ??= (async () => {
          for (const timer of timers.splice(0)) clearInterval(timer);
          health?.close();
          if (server) {
            const closing = new Promise<void>((r) => server!.close(() => r()));
            server.closeIdleConnections();
            await closing;
          }
          // after the server: nothing is rated any more once this node leaves the registry
          await followerRef.current?.stop();
          followerRef.current = null;
          await runner.stop();
          await projectionThread?.stop();
          await sms.close();
          const nodes = await registry?.catch(() => null);
          if (nodes && !nodes.shared) await nodes.store.close();
          await opened.readModels.close();
          await opened.spentNonces.close();
          await opened.store.close();
        })();
        return shutdown;
      },
    };
  } catch (error) {
    await readModels?.close().catch(() => undefined);
    await spentNonces?.close().catch(() => undefined);
    await store?.close().catch(() => undefined);
    throw error;
  }
}
