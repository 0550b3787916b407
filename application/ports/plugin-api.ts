import type { RequestHandler, Router } from 'express';
import type { z } from 'zod';
import type { ContainerModule } from 'inversify';
import type { Logger } from 'pino';
import type { EventStore } from '../../core/event-store';
import type { AmountLimits } from '../../core/amount-limits';
import type { EventDefinitions } from '../../core/events/codec';
import type { Clock } from '../../core/clock';
import type { IdGenerator } from '../../core/ids';
import type { Projection } from './projection';
import type { ReadModelStore } from './read-model-store';
import type { DeckImporter, TariffImporter } from './importers';
import type { PricingPolicy } from '../../core/rating/pricing-policy';
import type { RatingService } from '../rating/service';
import type { PaymentProcessor } from '../../core/payments/processor';
import type { WelcomeGrant } from '../../core/accounts/opening';
import type { WalletService } from '../wallet/service';
import type { AccountService } from '../accounts/service';
import type { SmsService } from '../sms/service';
import type { SmsGatewayFactory } from './sms-gateway';
import type { VelocityRule } from '../../core/fraud/velocity';
import type { RoutePolicy } from './route-policy';

/** Credit granted when an account opens; `welcome` answers for the account's currency and opening time. */
export interface AccountOpeningPolicy {
  readonly name: string;
  welcome(currency: string, openedAt: Date): readonly WelcomeGrant[];
  /** What a new account receives, in a sentence for clients (the provider descriptor's `freeCredit`). */
  describe?(): string | null;
}

export type { DeckImporter, TariffImporter, RoutePolicy };

/**
 * Who may call a plugin's routes: a signed caller (`'signed'`, or `{ roles }` for operators
 * holding one), or `'public'`: anyone, for a public resource or a webhook that checks a secret
 * of its own.
 */
export type RouteAccess = SignedAccess | 'public';

/** Who may pass a signed route: any RFC 9421-signed caller (a number's key or an operator's), or operators holding one of `roles`. */
export type SignedAccess = 'signed' | { readonly roles: readonly [string, ...string[]] };

/** What the engine hands a plugin while it registers. */
export interface PluginHost {
  /** The plugin's own `options` from the configuration. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Feeds a read model from the log; the runner keeps its checkpoint, rebuilds and lag. */
  addProjection(projection: Projection): void;
  /**
   * Mounts routes once the stores are open; `build` receives them. Every request under
   * `mountPath` is refused unless its caller passes `access` (default `'signed'`), so give the
   * router a path of its own.
   */
  addRouter(mountPath: string, build: (deps: RouterDeps) => Router, access?: RouteAccess): void;
  /** A rate-deck format for `trunkline carriers import-deck --format <format>`. */
  addDeckImporter(importer: DeckImporter): void;
  /** A tariff-plan format for `trunkline tariffs import --format <format>`. */
  addTariffImporter(importer: TariffImporter): void;
  /** How retail prices follow from carrier costs; the configuration's `pricing.policy` picks one. */
  addPricingPolicy(policy: PricingPolicy): void;
  /**
   * Moves routes down in least-cost order (never adds one the margin guard dropped): calls and
   * `trunkline rates lcr` see the policies of every plugin that registered one.
   */
  addRoutePolicy(policy: RoutePolicy): void;
  /** A payment processor for top-ups and its webhooks (`POST /v1/webhooks/<name>`). */
  addPaymentProcessor(processor: PaymentProcessor): void;
  /** Credit every new account receives, decided in the same append as the opening. */
  addAccountOpeningPolicy(policy: AccountOpeningPolicy): void;
  /** Work `trunkline serve` repeats every `everySeconds` (one run at a time; errors are logged). */
  addJob(name: string, everySeconds: number, run: (deps: RouterDeps) => Promise<void>): void;
  /**
   * An SMS gateway. `id` must be a carrier registered with service `sms` (its deck prices the
   * gateway's cost per segment); the factory runs when the engine first sends a text.
   */
  addSmsGateway(id: string, factory: SmsGatewayFactory): void;
  /**
   * The plugin's own event types with their schemas: the engine appends only events of a known
   * type that pass their schema, so a plugin that writes events declares them here first.
   */
  addEvents(definitions: EventDefinitions): void;
  /**
   * A velocity rule (core/fraud/velocity.ts): read against every account's recent paid calls and
   * texts; a hit records FraudSuspected and holds the account's paid services for review.
   */
  addVelocityRule(rule: VelocityRule): void;
}

export interface RouterDeps {
  readonly rating: RatingService;
  readonly store: EventStore;
  readonly readModels: ReadModelStore;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly wallet: WalletService;
  readonly accounts: AccountService;
  /** For a signed route inside a `'public'` router: `router.post('/x', ...deps.guard('signed'), handler)`. */
  guard(access: SignedAccess): RequestHandler[];
  /** Texts: a gateway plugin's receipt webhook hands receipts to `sms.receipt`. */
  readonly sms: SmsService;
  /** Per currency, the largest amount and the most decimal places anything taken from outside may have. */
  readonly amountLimits: AmountLimits;
}

/**
 * A plugin module's export (default or module.exports): a name and a registration function,
 * an inversify ContainerModule for the composition root to load, or both.
 */
export interface TrunklinePlugin {
  readonly name: string;
  register?(host: PluginHost): void | Promise<void>;
  readonly containerModule?: ContainerModule;
}

export function definePlugin(plugin: TrunklinePlugin): TrunklinePlugin {
  return plugin;
}

/** A plugin's options checked against its schema: the first problem as one line naming the plugin and the setting. */
export function parseOptions<S extends z.ZodType>(plugin: string, schema: S, options: unknown): z.output<S> {
  const parsed = schema.safeParse(options);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new Error(`plugin ${plugin}: ${issue.path.join('.') || 'options'} ${issue.message}`);
}
