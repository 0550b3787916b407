import { z } from 'zod';
import { eventCodec, type EventsOf } from '../events/codec';
import type { JsonObject, JsonValue } from '../json';

const decimalString = z.string().regex(/^-?(0|[1-9]\d*)(\.\d+)?$/, 'a decimal string');
const digits = z.string().regex(/^\d{1,20}$/, 'digits');

export const carrierServiceSchema = z.enum(['voice', 'sms']);
export type CarrierService = z.infer<typeof carrierServiceSchema>;

export const trunkSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  transport: z.enum(['udp', 'tcp', 'tls']),
  techPrefix: z.string().regex(/^[0-9#*]*$/),
  channels: z.number().int().min(0),
  username: z.string(),
  password: z.string(),
  /** The carrier takes SRTP (SDES) on this trunk; absent, as in every trunk registered before, it gets plain RTP. */
  srtp: z.boolean().optional(),
});
export type Trunk = z.infer<typeof trunkSchema>;

/** A wholesale deck row as stored: rate per minute, increments in seconds, dates as ISO instants. */
export const deckRowSchema = z.object({
  prefix: digits,
  destination: z.string(),
  rate: decimalString,
  initial: z.number().int().min(1),
  subsequent: z.number().int().min(1),
  connectFee: decimalString,
  minimum: z.number().int().min(0),
  effectiveFrom: z.string(),
  effectiveTo: z.string().nullable(),
});
export type DeckRow = z.infer<typeof deckRowSchema>;

/**
 * A deck row as a staged chunk carries it: DeckRow's fields in declaration order, without their
 * names, which were three fifths of a deck's events (JSON written, stored and read back).
 */
export type StagedRow = [
  prefix: string,
  destination: string,
  rate: string,
  initial: number,
  subsequent: number,
  connectFee: string,
  minimum: number,
  effectiveFrom: string,
  effectiveTo: string | null,
];

const DIGITS = /^\d{1,20}$/;
const DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?$/;
const wholeAtLeast = (v: unknown, min: number) => typeof v === 'number' && Number.isInteger(v) && v >= min;

/**
 * What is wrong with a staged row, null when nothing is: the checks of deckRowSchema, written
 * out because they run on every row of a deck at each append and each read, where a schema
 * library's generic walk over a tuple cost several times the checks themselves.
 */
export function stagedRowProblem(v: unknown): string | null {
  if (!Array.isArray(v) || v.length !== 9) return 'a deck row is an array of its 9 fields';
  const [prefix, destination, rate, initial, subsequent, connectFee, minimum, effectiveFrom, effectiveTo] = v as unknown[];
  if (typeof prefix !== 'string' || !DIGITS.test(prefix)) return 'prefix: digits';
  if (typeof destination !== 'string') return 'destination: a string';
  if (typeof rate !== 'string' || !DECIMAL.test(rate)) return 'rate: a decimal string';
  if (!wholeAtLeast(initial, 1)) return 'initial: a whole number ≥ 1';
  if (!wholeAtLeast(subsequent, 1)) return 'subsequent: a whole number ≥ 1';
  if (typeof connectFee !== 'string' || !DECIMAL.test(connectFee)) return 'connectFee: a decimal string';
  if (!wholeAtLeast(minimum, 0)) return 'minimum: a whole number ≥ 0';
  if (typeof effectiveFrom !== 'string') return 'effectiveFrom: a string';
  if (effectiveTo !== null && typeof effectiveTo !== 'string') return 'effectiveTo: a string or null';
  return null;
}

export const stagedRowSchema = z.custom<StagedRow>((v) => stagedRowProblem(v) === null, {
  error: (issue) => stagedRowProblem(issue.input) ?? 'a deck row',
});

export const toStagedRow = (r: DeckRow): StagedRow => [
  r.prefix,
  r.destination,
  r.rate,
  r.initial,
  r.subsequent,
  r.connectFee,
  r.minimum,
  r.effectiveFrom,
  r.effectiveTo,
];

export const fromStagedRow = ([
  prefix,
  destination,
  rate,
  initial,
  subsequent,
  connectFee,
  minimum,
  effectiveFrom,
  effectiveTo,
]: StagedRow): DeckRow => ({
  prefix,
  destination,
  rate,
  initial,
  subsequent,
  connectFee,
  minimum,
  effectiveFrom,
  effectiveTo,
});

const STAGED_FIELDS = [
  'prefix',
  'destination',
  'rate',
  'initial',
  'subsequent',
  'connectFee',
  'minimum',
  'effectiveFrom',
  'effectiveTo',
] as const;

/**
 * Version 1 of DeckRowsStaged held rows as objects: each becomes the tuple of its fields. Rows
 * that are not objects are left as they are, for the schema to refuse with its own message.
 */
function stagedRowsAsTuples(data: JsonObject): JsonObject {
  const rows = data['rows'];
  if (!Array.isArray(rows)) return data;
  return {
    ...data,
    rows: rows.map((r) =>
      r !== null && typeof r === 'object' && !Array.isArray(r) ? STAGED_FIELDS.map((f) => (r as JsonObject)[f] as JsonValue) : r,
    ),
  };
}

const slotSpec = z.object({
  groupIntervalStart: z.string(),
  rate: decimalString,
  rateUnit: z.string(),
  rateIncrement: z.string(),
  connectFee: decimalString,
});
const timingSpec = z.object({
  id: z.string(),
  years: z.array(z.number().int()),
  months: z.array(z.number().int()),
  monthDays: z.array(z.number().int()),
  weekDays: z.array(z.number().int()),
  time: z.string(),
});
export const entrySpecSchema = z.object({
  destination: z.string(),
  rateId: z.string(),
  slots: z.array(slotSpec).min(1),
  timing: timingSpec,
  weight: z.number(),
  roundingMethod: z.enum(['*up', '*middle', '*down']),
  roundingDecimals: z.number().int().min(0).max(20),
  maxCost: decimalString,
  maxCostStrategy: z.enum(['*free', '*disconnect', '']),
});
export type StoredEntrySpec = z.infer<typeof entrySpecSchema>;

/** Events of the rating catalogue: carriers and their decks, rating plans (retail price lists too). */
export const catalogEvents = {
  CarrierRegistered: {
    schemaVersion: 1,
    schema: z.object({
      carrierId: z.string(),
      name: z.string(),
      currency: z.string(),
      /** Lower is preferred when two routes cost the same. */
      preference: z.number().int(),
      trunks: z.array(trunkSchema),
      /** What it terminates: calls (deck rates per minute) or SMS (deck rates per segment). Before SMS, every carrier was voice. */
      service: carrierServiceSchema.default('voice'),
    }),
  },
  /** One chunk of a deck version; a version is only in force once DeckPublished follows. */
  DeckRowsStaged: {
    schemaVersion: 2,
    schema: z.object({
      carrierId: z.string(),
      version: z.number().int().min(1),
      chunk: z.number().int().min(0),
      rows: z.array(stagedRowSchema),
    }),
    upcasters: { 1: stagedRowsAsTuples },
  },
  DeckPublished: {
    schemaVersion: 1,
    schema: z.object({
      carrierId: z.string(),
      version: z.number().int().min(1),
      rows: z.number().int().min(0),
      chunks: z.number().int().min(0),
      sha256: z.string(),
      source: z.string(),
    }),
  },
  RatingPlanChunkStaged: {
    schemaVersion: 1,
    schema: z.object({
      planId: z.string(),
      version: z.number().int().min(1),
      chunk: z.number().int().min(0),
      destinations: z.record(z.string(), z.array(digits)),
    }),
  },
  RatingPlanPublished: {
    schemaVersion: 1,
    schema: z.object({
      planId: z.string(),
      version: z.number().int().min(1),
      currency: z.string(),
      timeZone: z.string(),
      entries: z.array(entrySpecSchema),
      chunks: z.number().int().min(0),
      sha256: z.string(),
      source: z.string(),
    }),
  },
  /** A CGRateS rating profile: which plan rates `tenant:category:subject` from when. */
  RatingProfilePublished: {
    schemaVersion: 1,
    schema: z.object({
      profileId: z.string(),
      activations: z.array(z.object({ at: z.string(), planId: z.string(), fallbackSubject: z.string() })),
      sha256: z.string(),
      source: z.string(),
    }),
  },
} as const;

export const catalogCodec = eventCodec(catalogEvents);
export type CatalogEvent = EventsOf<typeof catalogEvents>;
export const carrierStream = (carrierId: string) => `carrier-${carrierId}`;
export const planStream = (planId: string) => `rating-plan-${planId}`;
export const profileStream = (profileId: string) => `rating-profile-${profileId}`;
