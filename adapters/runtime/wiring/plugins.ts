import type { Router } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../../../core/clock';
import type { EventRegistry } from '../../../core/events/registry';
import type { PaymentProcessor } from '../../../core/payments/processor';
import type { PricingPolicy } from '../../../core/rating/pricing-policy';
import type {
  AccountOpeningPolicy,
  DeckImporter,
  PluginHost,
  RouteAccess,
  RouterDeps,
  TrunklinePlugin,
} from '../../../application/ports/plugin-api';
import type { Projection } from '../../../application/ports/projection';
import type { RoutePolicy } from '../../../application/ports/route-policy';
import { carrierQualityProjection, QUALITY_PROJECTION } from '../../../projections/quality/projection';
import type { SmsGatewayFactory } from '../../../application/ports/sms-gateway';
import type { TariffImporter } from '../../../application/ports/plugin-api';
import { balancesProjection } from '../../../projections/balances/projection';
import { financeProjection } from '../../../projections/finance/projection';
import { smsProjection } from '../../../projections/sms/projection';
import { callRecordsProjection } from '../../../projections/records/calls-projection';
import { notificationsProjection } from '../../../projections/notifications/projection';
import { autoTopUpQueueProjection } from '../../../projections/auto-top-up/queue';
import { fraudSuspicionsProjection } from '../../../projections/fraud/suspicions';
import { velocityProjection } from '../../../projections/fraud/velocity';
import type { VelocityRule } from '../../../core/fraud/velocity';
import type { Config } from '../config';
import { BUILTIN_PLUGINS, loadPlugin } from '../plugin-loader';
import { checkedAccess } from '../route-access';

/** What the engine's features and plugins registered; the HTTP app mounts the routers, only `serve` runs the jobs. */
export interface Extensions {
  readonly projections: Projection[];
  readonly routers: { readonly path: string; readonly build: (deps: RouterDeps) => Router; readonly access: RouteAccess }[];
  readonly plugins: string[];
  readonly deckImporters: Map<string, DeckImporter>;
  readonly tariffImporters: Map<string, TariffImporter>;
  readonly pricingPolicies: Map<string, PricingPolicy>;
  readonly routePolicies: Map<string, RoutePolicy>;
  readonly processors: Map<string, PaymentProcessor>;
  readonly openingPolicies: Map<string, AccountOpeningPolicy>;
  readonly jobs: { name: string; everySeconds: number; run: (deps: RouterDeps) => Promise<void> }[];
  readonly smsGateways: Map<string, SmsGatewayFactory>;
  /** The velocity rules plugins added; with none, no velocity projection runs. */
  readonly velocityRules: Map<string, VelocityRule>;
}

export interface PluginWiring {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly events: EventRegistry;
  /** Loads a plugin's inversify ContainerModule (the composition root owns the container). */
  readonly loadContainerModule: (plugin: TrunklinePlugin) => Promise<void>;
}

/** Loads the built-in features and the configured plugins, in that order, and lets each register. */
export async function registerPlugins(w: PluginWiring): Promise<Extensions> {
  const ext: Extensions = {
    // the engine's own read models; plugins add theirs
    projections: [
      balancesProjection,
      smsProjection,
      financeProjection,
      callRecordsProjection,
      fraudSuspicionsProjection,
      // the auto top-ups to charge
      autoTopUpQueueProjection({ now: () => w.clock.now() }),
      // only with endpoints to send to; added later, it catches up from the log and sends what is recent
      ...(w.config.webhooks.length > 0 || w.config.clientWebhookSecret
        ? [
            notificationsProjection({
              endpoints: w.config.webhooks,
              thresholds: w.config.lowBalanceThresholds,
              maxAgeHours: w.config.webhookMaxAgeHours,
              clientEndpoints: w.config.clientWebhookSecret !== undefined,
              now: () => w.clock.now(),
            }),
          ]
        : []),
    ],
    routers: [],
    plugins: [],
    deckImporters: new Map(),
    tariffImporters: new Map(),
    pricingPolicies: new Map(),
    routePolicies: new Map(),
    processors: new Map(),
    openingPolicies: new Map(),
    jobs: [],
    smsGateways: new Map(),
    velocityRules: new Map(),
  };
  const unique = <T>(map: Map<string, T>, key: string, value: T, what: string, plugin: string) => {
    if (map.has(key)) throw new Error(`plugin ${plugin}: a ${what} named ${key} exists already`);
    map.set(key, value);
  };
  for (const entry of [...BUILTIN_PLUGINS.map((module) => ({ module, options: {} })), ...w.config.plugins]) {
    const plugin = loadPlugin(entry.module);
    if (plugin.containerModule) await w.loadContainerModule(plugin);
    const host: PluginHost = {
      options: { ...(w.config.pluginOptions[plugin.name] ?? {}), ...entry.options },
      logger: w.logger.child({ plugin: plugin.name }),
      clock: w.clock,
      addProjection: (p) => {
        if (ext.projections.some((q) => q.name === p.name))
          throw new Error(`plugin ${plugin.name}: a projection named ${p.name} exists already`);
        ext.projections.push(p);
      },
      // checked now, guarded when the HTTP app mounts it (plugin-router.ts): commands never build a router
      addRouter: (path, build, access = 'signed') => void ext.routers.push({ path, build, access: checkedAccess(access) }),
      addDeckImporter: (i) => unique(ext.deckImporters, i.format, i, 'deck format', plugin.name),
      addTariffImporter: (i) => unique(ext.tariffImporters, i.format, i, 'tariff format', plugin.name),
      addPricingPolicy: (p) => unique(ext.pricingPolicies, p.name, p, 'pricing policy', plugin.name),
      addRoutePolicy: (p) => unique(ext.routePolicies, p.name, p, 'route policy', plugin.name),
      addPaymentProcessor: (p) => unique(ext.processors, p.name, p, 'payment processor', plugin.name),
      addAccountOpeningPolicy: (p) => unique(ext.openingPolicies, p.name, p, 'account opening policy', plugin.name),
      addJob: (name, everySeconds, run) => void ext.jobs.push({ name: `${plugin.name}:${name}`, everySeconds, run }),
      addSmsGateway: (id, factory) => unique(ext.smsGateways, id, factory, 'SMS gateway', plugin.name),
      addEvents: (definitions) => w.events.add(definitions, `plugin ${plugin.name}`),
      addVelocityRule: (rule) => {
        if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(rule.name))
          throw new Error(
            `plugin ${plugin.name}: velocity rule name ${JSON.stringify(rule.name)} must be lowercase letters, digits and dashes`,
          );
        unique(ext.velocityRules, rule.name, rule, 'velocity rule', plugin.name);
      },
    };
    await plugin.register?.(host);
    ext.plugins.push(plugin.name);
  }
  if (ext.velocityRules.size > 0) ext.projections.push(velocityProjection([...ext.velocityRules.values()]));
  // carrier quality for the reports; the quality-routing plugin registers it with its demotion policy
  if (!ext.projections.some((p) => p.name === QUALITY_PROJECTION)) ext.projections.push(carrierQualityProjection(null));
  return ext;
}
