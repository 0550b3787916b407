import type { Logger } from 'pino';
import { amountLimits } from '../../../core/amount-limits';
import type { Clock } from '../../../core/clock';
import type { Directory } from '../../../core/directory';
import type { EventStore } from '../../../core/event-store';
import type { IdGenerator } from '../../../core/ids';
import type { AccountService } from '../../../application/accounts/service';
import type { CallService } from '../../../application/calls/service';
import { recordRejectedFact } from '../../../application/facts/rejected-facts';
import type { RouterDeps } from '../../../application/ports/plugin-api';
import type { ReadModelStore } from '../../../application/ports/read-model-store';
import type { RatingService } from '../../../application/rating/service';
import type { SmsService } from '../../../application/sms/service';
import type { WalletService } from '../../../application/wallet/service';
import type { ProjectionStatus } from '../../../projections/runner';
import { waitForProjection } from '../../../projections/wait';
import { createHttpApp, type HttpApp } from '../../http/app';
import { guard } from '../../http/guard';
import { accountsRouter } from '../../http/routers/accounts';
import { DASHBOARD_LINK_SECONDS, DASHBOARD_SESSION_SECONDS } from '../../http/dashboard/link-token';
import { financeDashboardRouter } from '../../http/routers/finance-dashboard';
import { financeRouter } from '../../http/routers/finance';
import { healthRouter } from '../../http/routers/health';
import { topUpsRouter, webhooksRouter } from '../../http/routers/payments';
import { autoTopUpRouter } from '../../http/routers/auto-top-up';
import { clientWebhookRouter } from '../../http/routers/client-webhook';
import { providerDescriptorRouter } from '../../http/routers/provider-descriptor';
import { sipHookRoutes } from '../../http/routers/sip-hooks';
import { smsRouter, smsSendRoute } from '../../http/routers/sms';
import { myRecordsRouter, operatorRecordsRouter } from '../../http/routers/records';
import { walletRouter } from '../../http/routers/wallet';
import { keyResolver } from '../../http/signatures/key-resolver';
import type { SignatureDeps } from '../../http/signatures/middleware';
import type { SpentNonces } from '../../../application/ports/spent-nonces';
import type { Config } from '../config';
import type { Metrics } from '../metrics';
import { pluginRouter } from '../plugin-router';
import { providerKey } from '../provider-key';
import type { StorageHealth } from '../storage-health';
import type { Extensions } from './plugins';
import { fraudRouter } from '../../http/routers/fraud';
import type { AccountOpeningPolicy } from '../../../application/ports/plugin-api';

export interface HttpWiring {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly store: EventStore;
  readonly readModels: ReadModelStore;
  readonly spentNonces: SpentNonces;
  readonly metrics: Metrics;
  readonly health: StorageHealth;
  readonly directory: Directory;
  readonly rating: RatingService;
  readonly accounts: AccountService;
  readonly wallet: WalletService;
  readonly calls: CallService;
  readonly sms: SmsService;
  readonly ext: Extensions;
  readonly projectionStatus: () => Promise<ProjectionStatus[]>;
  /** A `trunkline projector` elsewhere feeds the read models: readiness follows their lag. */
  readonly projectionsElsewhere: boolean;
  readonly ratesAge: () => number | null;
}

const registrarsOf = (config: Config) => config.registrars ?? [`sips:${config.sipDomain}`];

/** The HTTP app, with the services plugins' routers and jobs are given (`routerDeps`). */
export function wireHttp(w: HttpWiring): { app: HttpApp; routerDeps: RouterDeps } {
  const { config, logger, clock, store, readModels } = w;
  const now = () => clock.now();
  const signatures: SignatureDeps = {
    resolveKeys: keyResolver(w.directory, config.operators),
    nonces: w.spentNonces,
    now,
    windowSeconds: config.signatureWindowSeconds,
    ...(config.publicBaseUrl ? { publicBaseUrl: config.publicBaseUrl } : {}),
  };
  const routerDeps: RouterDeps = {
    rating: w.rating,
    store,
    readModels,
    logger,
    clock,
    wallet: w.wallet,
    accounts: w.accounts,
    guard: (access) => guard(signatures, access),
    ids: w.ids,
    sms: w.sms,
    amountLimits: amountLimits(config.amountLimits),
  };
  const payments = {
    processors: w.ext.processors,
    accounts: w.accounts,
    wallet: w.wallet,
    signatures,
    logger,
    topUpMinimum: config.topUpMinimum,
    topUpMaximum: config.topUpMaximum,
    amountLimits: routerDeps.amountLimits,
    store,
    now,
  };
  const smsDeps = {
    sms: w.sms,
    readModels,
    signatures,
    waitForSms: (position: number) => waitForProjection(readModels, 'sms', position, 3000),
  };
  const providerSigning = providerKey(config.providerKeyFile);
  const app = createHttpApp({
    logger,
    metrics: w.metrics,
    fastRoutes: [
      ...sipHookRoutes({
        calls: w.calls,
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
            registrars: registrarsOf(config),
            websocket: config.webSocketUris,
            stun: config.stunUris,
            turn: config.turnUris,
            currencies: [config.retailCurrency],
            // the configured sentence, else what the opening policies say they give
            freeCredit: config.freeCredit ?? welcomeSentence(w.ext.openingPolicies.values()),
          },
          key: providerSigning.privateKey,
          publicKey: providerSigning.publicKeyBase64,
          ...(config.publicBaseUrl ? { publicBaseUrl: config.publicBaseUrl } : {}),
          now,
        }),
      },
      {
        path: '/',
        router: healthRouter({
          logger,
          store,
          readModels,
          projections: w.projectionStatus,
          registry: w.metrics.registry,
          maxLag: config.readyMaxLag,
          projectionsElsewhere: w.projectionsElsewhere,
          storageFaults: () => w.health.faults(),
          ratesAge: w.ratesAge,
        }),
      },
      {
        path: '/v1/accounts',
        router: accountsRouter({
          accounts: w.accounts,
          signatures,
          sipDomain: config.sipDomain,
          sip: {
            secrets: config.sipSecrets,
            ttlSeconds: config.sipCredentialTtlSeconds,
            hmac: config.sipHmac,
            registrars: registrarsOf(config),
            ...(config.turnSecret ? { turnSecret: config.turnSecret } : {}),
            turnUris: config.turnUris,
            turnTtlSeconds: config.turnTtlSeconds,
            now,
          },
        }),
      },
      {
        path: '/v1/accounts',
        router: walletRouter({
          readModels,
          wallet: w.wallet,
          signatures,
          now,
          waitForBalances: (position) => waitForProjection(readModels, 'balances', position, 3000),
          amountLimits: routerDeps.amountLimits,
        }),
      },
      { path: '/v1/accounts', router: topUpsRouter(payments) },
      { path: '/v1/accounts', router: autoTopUpRouter(payments) },
      {
        path: '/v1/accounts',
        router: clientWebhookRouter({
          accounts: w.accounts,
          signatures,
          secret: config.clientWebhookSecret,
          policy: config.clientWebhookTargets,
        }),
      },
      { path: '/v1/accounts', router: myRecordsRouter({ readModels, signatures }) },
      { path: '/v1', router: operatorRecordsRouter({ readModels, signatures }) },
      { path: '/v1', router: fraudRouter({ readModels, wallet: w.wallet, signatures, now }) },
      { path: '/v1/webhooks', router: webhooksRouter(payments) },
      { path: '/v1/finance', router: financeRouter({ readModels, signatures }) },
      {
        path: '/finance',
        router: financeDashboardRouter({
          readModels,
          operators: config.operators,
          now,
          nonces: w.spentNonces,
          linkMaxTtlSeconds: DASHBOARD_LINK_SECONDS,
          sessionSeconds: DASHBOARD_SESSION_SECONDS,
        }),
      },
      { path: '/v1/sms', router: smsRouter(smsDeps) },
      ...w.ext.routers.map((r) => ({ path: r.path, router: pluginRouter(r.build, r.access)(routerDeps, signatures) })),
    ],
  });
  return { app, routerDeps };
}

/** What new accounts receive, as the opening policies describe it (null: nothing, or no policy says). */
function welcomeSentence(policies: Iterable<AccountOpeningPolicy>): string | null {
  const sentences = [...policies].map((p) => p.describe?.() ?? null).filter((t): t is string => t !== null);
  return sentences.length > 0 ? sentences.join('; ') : null;
}
