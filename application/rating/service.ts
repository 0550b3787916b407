import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock';
import { handleCommand, readState } from '../../core/command-handler';
import { DomainError } from '../../core/decider';
import type { EventMetadata } from '../../core/events/envelope';
import type { EventStore } from '../../core/event-store';
import { digitsOf, parseE164 } from '../../core/e164';
import type { IdGenerator } from '../../core/ids';
import { carrierDecider } from '../../core/rating/carrier-decider';
import {
  carrierStream,
  catalogCodec,
  planStream,
  profileStream,
  type CarrierService,
  type DeckRow,
  type Trunk,
} from '../../core/rating/catalog-events';
import { rateCall, UnratedDestinationError, type CallCost } from '../../core/rating/cost';
import { matchDeck, priceOnDeck } from '../../core/rating/deck';
import { parseDecimal } from '../../core/money';
import type { SmsPrice } from '../../core/sms/commands';
import type { Nanos } from '../../core/rating/duration';
import { leastCostRoutes, type LcrResult } from '../../core/rating/lcr';
import type { CompiledDeck } from '../../core/rating/deck';
import { planDecider } from '../../core/rating/plan-decider';
import { profileDecider } from '../../core/rating/profile-decider';
import { rateOnProfile } from '../../core/rating/profile';
import type { DeckImporter, TariffImporter } from '../ports/importers';
import type { PricingPolicy } from '../../core/rating/pricing-policy';
import type { JsonObject } from '../../core/json';
import { settingsCodec, settingsDecider, SETTINGS_STREAM, type SettingsCommand } from '../../core/settings/live-settings';
import type { RatesSource, RatingSnapshot } from '../ports/rates-source';
import { buildRetailSheet, RETAIL_PLAN_ID, type RetailSheet } from './retail-sheet';
import { ImportRejectedError, UnknownFormatError, UnknownPlanError } from './errors';

export interface RatingServiceDeps {
  readonly store: EventStore;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly rates: RatesSource;
  readonly deckImporters: ReadonlyMap<string, DeckImporter>;
  readonly tariffImporters: ReadonlyMap<string, TariffImporter>;
  readonly pricing: PricingPolicy;
  readonly retailCurrency: string;
  /** The configured blocked prefixes, until an operator records others. */
  readonly blockedPrefixes: readonly string[];
  readonly logger: Logger;
  /** A serving engine's guard: resolves once its rates are confirmed current (see rates-follower.ts). */
  readonly ensureCurrent?: () => Promise<void>;
}

export interface ImportResult {
  readonly version: number | null;
  readonly rows: number;
  readonly skipped: number;
  /** True when this exact content was published already: nothing new was written. */
  readonly unchanged: boolean;
}

/** Content hash of deck rows in a canonical order: the same deck in another file layout is the same deck. */
function deckHash(rows: readonly DeckRow[]): string {
  const sorted = [...rows].sort((a, b) => (a.prefix + a.effectiveFrom < b.prefix + b.effectiveFrom ? -1 : 1));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

export interface SmsRoutes {
  readonly number: string;
  readonly currency: string;
  /** null: the SMS sheet has no price for this number. */
  readonly retail: SmsPrice | null;
  readonly gateways: readonly {
    readonly gatewayId: string;
    readonly currency: string;
    readonly preference: number;
    readonly price: SmsPrice;
  }[];
}

export function ratingService(deps: RatingServiceDeps) {
  const handler = { store: deps.store, ids: deps.ids, codec: catalogCodec };
  const settingsHandler = { store: deps.store, ids: deps.ids, codec: settingsCodec };
  let retail: { snapshot: RatingSnapshot; combined: RatingSnapshot & { retail: RetailSheet; smsRetail: RetailSheet } } | null = null;
  /** The carriers of a snapshot as one list, kept with it so LCR's index is built once per snapshot. */
  const carrierLists = new WeakMap<RatingSnapshot, CompiledDeck[]>();
  const carriersOf = (s: RatingSnapshot): CompiledDeck[] => {
    let list = carrierLists.get(s);
    // voice routing never picks an SMS gateway
    if (!list) carrierLists.set(s, (list = [...s.carriers.values()].filter((d) => d.carrier.service === 'voice')));
    return list;
  };

  /** The pricing policy with the options an operator recorded in the log laid over the configured ones. */
  function pricingFor(snapshot: RatingSnapshot): PricingPolicy {
    const live = snapshot.settings.pricing;
    if (!live || !deps.pricing.withOptions) return deps.pricing;
    try {
      return deps.pricing.withOptions(live);
    } catch (err) {
      // validated before it was recorded; a plugin changed since: keep selling at the configured prices
      deps.logger.error({ err }, 'recorded pricing options no longer valid: using the configured ones');
      return deps.pricing;
    }
  }

  /**
   * The snapshot plus its retail sheet, rebuilt only when the decks change or a row's effective
   * date passes (a 250,000-prefix sheet takes seconds: the server pre-builds it after each refresh).
   */
  function current(): RatingSnapshot & { retail: RetailSheet; smsRetail: RetailSheet } {
    const snapshot = deps.rates.current();
    const now = deps.clock.now();
    const validUntil = retail ? Math.min(retail.combined.retail.validUntilMs, retail.combined.smsRetail.validUntilMs) : 0;
    if (!retail || retail.snapshot !== snapshot || now.getTime() >= validUntil) {
      const pricing = pricingFor(snapshot);
      const sheet = buildRetailSheet(snapshot.carriers.values(), pricing, deps.retailCurrency, now, 'voice');
      const sms = buildRetailSheet(snapshot.carriers.values(), pricing, deps.retailCurrency, now, 'sms');
      // one object per snapshot and sheet, not one per call: every authorization and text asks for it
      retail = { snapshot, combined: { ...snapshot, retail: sheet, smsRetail: sms } };
    }
    return retail.combined;
  }

  function planOf(planId: string) {
    const s = current();
    const plan = s.plans.get(planId);
    if (!plan)
      throw new UnknownPlanError(`no rating plan ${JSON.stringify(planId)} (known: ${[RETAIL_PLAN_ID, ...s.plans.keys()].join(', ')})`);
    return plan;
  }

  /** A call on a plan, or on the retail sheet (`retail`), which is priced like a deck. */
  function rate(planId: string, digits: string, start: Date, duration: Nanos): CallCost {
    if (planId !== RETAIL_PLAN_ID) return rateCall(planOf(planId), digits, start, duration);
    const priced = priceOnDeck(current().retail.deck, digits, start, duration);
    if (!priced) throw new UnratedDestinationError(RETAIL_PLAN_ID, digits);
    return priced.detail;
  }

  return {
    current,
    ensureCurrent: (): Promise<void> => deps.ensureCurrent?.() ?? Promise.resolve(),
    /** Blocked destination prefixes: as recorded in the log, else as configured. */
    blockedPrefixes: (): readonly string[] => deps.rates.current().settings.blockedPrefixes ?? deps.blockedPrefixes,

    /** Records live settings (validated first: pricing options by the policy), for every node to load. */
    async setSettings(
      input: { blockedPrefixes?: readonly string[]; pricing?: JsonObject },
      metadata: EventMetadata = {},
    ): Promise<{ changed: boolean }> {
      const record = async (command: SettingsCommand): Promise<boolean> =>
        (await handleCommand(settingsHandler, settingsDecider, SETTINGS_STREAM, command, { metadata })).events.length > 0;
      let changed = false;
      if (input.pricing !== undefined) {
        if (!deps.pricing.withOptions)
          throw new DomainError('invalid-setting', `the ${deps.pricing.name} pricing policy takes no live options`);
        try {
          deps.pricing.withOptions(input.pricing);
        } catch (err) {
          throw new DomainError('invalid-setting', (err as Error).message);
        }
        changed = (await record({ type: 'set-pricing-options', data: { options: input.pricing } })) || changed;
      }
      if (input.blockedPrefixes !== undefined) {
        changed = (await record({ type: 'set-blocked-prefixes', data: { prefixes: input.blockedPrefixes } })) || changed;
      }
      return { changed };
    },

    /** Brings the rates projection and the lookup up to the log's head (one-shot commands). */
    async sync(): Promise<void> {
      await deps.rates.sync();
    },

    async registerCarrier(
      input: {
        carrierId: string;
        name: string;
        currency: string;
        preference: number;
        trunks: readonly Trunk[];
        service?: CarrierService;
      },
      metadata: EventMetadata = {},
    ): Promise<{ created: boolean }> {
      const r = await handleCommand(
        handler,
        carrierDecider,
        carrierStream(input.carrierId),
        { type: 'register', data: { ...input } },
        { metadata },
      );
      return { created: r.events.length > 0 };
    },

    async importDeck(input: {
      carrierId: string;
      file: string;
      format?: string;
      mappingFile?: string;
      skipBadRows?: boolean;
      onProgress?: (records: number) => void;
      metadata?: EventMetadata;
    }): Promise<ImportResult & { errors: number }> {
      const importer = deps.deckImporters.get(input.format ?? 'csv');
      if (!importer)
        throw new UnknownFormatError(
          `no deck format ${JSON.stringify(input.format)} (known: ${[...deps.deckImporters.keys()].join(', ')})`,
        );
      const { state } = await readState(handler, carrierDecider, carrierStream(input.carrierId));
      if (!state.registered)
        throw new DomainError('unknown-carrier', `no carrier ${input.carrierId}; register it first (trunkline carriers add)`);
      const parsed = await importer.parse(input.file, {
        carrierCurrency: state.currency,
        mappingFile: input.mappingFile,
        onProgress: input.onProgress,
      });
      if (parsed.errors.length > 0 && !input.skipBadRows) throw new ImportRejectedError(parsed.errors, parsed.records);
      const result = await handleCommand(
        handler,
        carrierDecider,
        carrierStream(input.carrierId),
        { type: 'publish-deck', data: { rows: parsed.rows, sha256: deckHash(parsed.rows), source: input.file } },
        { metadata: input.metadata ?? {} },
      );
      return {
        version: result.state.deckVersion,
        rows: parsed.rows.length,
        skipped: parsed.errors.length,
        errors: parsed.errors.length,
        unchanged: result.events.length === 0,
      };
    },

    async importTariffs(input: {
      path: string;
      format?: string;
      currency: string;
      timeZone?: string;
      skipBadRows?: boolean;
      onProgress?: (records: number) => void;
      metadata?: EventMetadata;
    }): Promise<{
      plans: { planId: string; version: number; unchanged: boolean; destinations: number }[];
      profiles: number;
      skipped: number;
    }> {
      const importer = deps.tariffImporters.get(input.format ?? 'cgrates');
      if (!importer)
        throw new UnknownFormatError(
          `no tariff format ${JSON.stringify(input.format)} (known: ${[...deps.tariffImporters.keys()].join(', ')})`,
        );
      const parsed = await importer.parse(input.path, { onProgress: input.onProgress });
      if (parsed.errors.length > 0 && !input.skipBadRows) throw new ImportRejectedError(parsed.errors, parsed.records);
      const out = [];
      for (const plan of parsed.plans) {
        const content = {
          currency: input.currency,
          timeZone: input.timeZone ?? 'UTC',
          destinations: [...plan.destinations].sort(),
          entries: plan.entries,
        };
        const r = await handleCommand(
          handler,
          planDecider,
          planStream(plan.planId),
          {
            type: 'publish-plan',
            data: {
              planId: plan.planId,
              currency: content.currency,
              timeZone: content.timeZone,
              destinations: plan.destinations,
              entries: plan.entries,
              sha256: createHash('sha256').update(JSON.stringify(content)).digest('hex'),
              source: input.path,
            },
          },
          { metadata: input.metadata ?? {} },
        );
        out.push({ planId: plan.planId, version: r.state.version, unchanged: r.events.length === 0, destinations: plan.destinations.size });
      }
      let profiles = 0;
      for (const profile of parsed.profiles ?? []) {
        const r = await handleCommand(
          handler,
          profileDecider,
          profileStream(profile.profileId),
          { ...profile, sha256: createHash('sha256').update(JSON.stringify(profile.activations)).digest('hex'), source: input.path },
          { metadata: input.metadata ?? {} },
        );
        profiles += r.events.length;
      }
      return { plans: out, profiles, skipped: parsed.errors.length };
    },

    /** Added, removed and changed prefixes between a carrier's last two deck versions, read from the log. */
    async diffDeck(
      carrierId: string,
    ): Promise<{ from: number; to: number; added: DeckRow[]; removed: DeckRow[]; changed: { before: DeckRow; after: DeckRow }[] }> {
      const versions = new Map<number, DeckRow[]>();
      let latest = 0;
      for await (const recorded of deps.store.readStream(carrierStream(carrierId))) {
        if (recorded.type === 'DeckPublished') latest = Number(recorded.data['version']);
      }
      if (latest === 0) throw new DomainError('no-deck', `carrier ${carrierId} has no published deck`);
      for await (const recorded of deps.store.readStream(carrierStream(carrierId))) {
        if (recorded.type !== 'DeckRowsStaged') continue;
        const version = Number(recorded.data['version']);
        if (version !== latest && version !== latest - 1) continue;
        const e = catalogCodec.decode(recorded);
        if (e.type === 'DeckRowsStaged') versions.set(version, [...(versions.get(version) ?? []), ...e.data.rows]);
      }
      const key = (r: DeckRow) => `${r.prefix}@${r.effectiveFrom}`;
      const before = new Map((versions.get(latest - 1) ?? []).map((r) => [key(r), r]));
      const after = new Map((versions.get(latest) ?? []).map((r) => [key(r), r]));
      const added = [...after].filter(([k]) => !before.has(k)).map(([, r]) => r);
      const removed = [...before].filter(([k]) => !after.has(k)).map(([, r]) => r);
      const changed = [...after]
        .filter(([k, r]) => before.has(k) && JSON.stringify(before.get(k)) !== JSON.stringify(r))
        .map(([k, r]) => ({ before: before.get(k)!, after: r }));
      return { from: latest - 1, to: latest, added, removed, changed };
    },

    /** A call on a plan (`planId`, `retail` for the public sheet) or on a CGRateS rating profile (`profileId`). */
    quote(input: { planId?: string; profileId?: string; number: string; start: Date; duration: Nanos }): CallCost & { number: string } {
      const number = parseE164(input.number);
      if (input.profileId !== undefined) {
        const s = current();
        return { ...rateOnProfile(s.profiles, s.plans, input.profileId, digitsOf(number), input.start, input.duration), number };
      }
      return { ...rate(input.planId ?? RETAIL_PLAN_ID, digitsOf(number), input.start, input.duration), number };
    },

    /**
     * A text to `number` at `at`: the retail price (per segment and per message, from the SMS
     * sheet) and the gateways that can carry it, cheapest first (ties: preference, then id);
     * a gateway in the retail currency that would cost more than the price is left out.
     */
    smsRoutes(number: string, at: Date): SmsRoutes {
      const digits = digitsOf(parseE164(number));
      const s = current();
      const r = matchDeck(s.smsRetail.deck, digits, at);
      const retailPrice = r ? { prefix: r.prefix, perSegment: r.row.rate, perMessage: r.row.connectFee } : null;
      const unit = (p: { perSegment: string; perMessage: string }) => parseDecimal(p.perSegment).plus(parseDecimal(p.perMessage));
      const gateways = [...s.carriers.values()]
        .filter((d) => d.carrier.service === 'sms')
        .flatMap((d) => {
          const m = matchDeck(d, digits, at);
          if (!m) return [];
          const price = { prefix: m.prefix, perSegment: m.row.rate, perMessage: m.row.connectFee };
          if (retailPrice && d.carrier.currency === s.smsRetail.currency && unit(price).greaterThan(unit(retailPrice))) return [];
          return [{ gatewayId: d.carrier.carrierId, currency: d.carrier.currency, preference: d.carrier.preference, price }];
        })
        .sort((a, b) => unit(a.price).comparedTo(unit(b.price)) || a.preference - b.preference || (a.gatewayId < b.gatewayId ? -1 : 1));
      return { number: `+${digits}`, currency: s.smsRetail.currency, retail: retailPrice, gateways };
    },

    lcr(input: {
      number: string;
      start: Date;
      duration: Nanos;
      retailPlanId?: string;
      allowNegativeMargin?: boolean;
    }): LcrResult & { number: string; retail: CallCost | null } {
      const number = parseE164(input.number);
      const digits = digitsOf(number);
      let retailCost: CallCost | null = null;
      try {
        retailCost = rate(input.retailPlanId ?? RETAIL_PLAN_ID, digits, input.start, input.duration);
      } catch {
        retailCost = null; // no retail price for it: no margin guard
      }
      const result = leastCostRoutes(carriersOf(deps.rates.current()), digits, input.start, input.duration, {
        ...(retailCost ? { retail: { cost: retailCost.cost, currency: retailCost.currency } } : {}),
        allowNegativeMargin: input.allowNegativeMargin ?? false,
      });
      return { ...result, number, retail: retailCost };
    },
  };
}

export type RatingService = ReturnType<typeof ratingService>;
