import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseGoDuration } from '../../../core/rating/duration';
import { parseTimeOfDay } from '../../../core/rating/plan-builder';
import { readCsv } from '../../../adapters/csv/read-csv';
import type { RowError } from '../../../core/imports/row-error';
import type { ImportedPlan, ImportedProfile, TariffParseResult } from '../../../application/ports/importers';

export type { ImportedPlan, ImportedProfile, TariffParseResult };

interface Slot {
  connectFee: string;
  rate: string;
  rateUnit: string;
  rateIncrement: string;
  groupIntervalStart: string;
}
interface DestRate {
  destinationId: string;
  ratesTag: string;
  roundingMethod: '*up' | '*middle' | '*down';
  roundingDecimals: number;
  maxCost: string;
  maxCostStrategy: '*free' | '*disconnect' | '';
}
interface TimingRow {
  years: number[];
  months: number[];
  monthDays: number[];
  weekDays: number[];
  time: string;
}

const DECIMAL = /^(0|[1-9]\d*)(\.\d+)?$/;
const ANY_TIMING: TimingRow = { years: [], months: [], monthDays: [], weekDays: [], time: '00:00:00' };

class Bad extends Error {
  constructor(
    readonly column: string,
    message: string,
  ) {
    super(message);
  }
}

async function records(
  folder: string,
  file: string,
  columns: readonly string[],
  errors: RowError[],
  onRow: (cells: Record<string, string>) => void,
  optional = false,
): Promise<number> {
  const path = join(folder, file);
  if (!existsSync(path)) {
    if (!optional) errors.push({ file, line: 0, reason: 'file missing from the tariff-plan folder' });
    return 0;
  }
  let n = 0;
  for await (const r of readCsv(path)) {
    if ('error' in r) {
      errors.push({ file, line: r.line, reason: r.error });
      continue;
    }
    n++;
    if (r.fields.length < columns.length) {
      errors.push({ file, line: r.line, reason: `expected ${columns.length} columns (${columns.join(', ')}), found ${r.fields.length}` });
      continue;
    }
    const cells = Object.fromEntries(columns.map((c, i) => [c, r.fields[i]!.trim()]));
    try {
      onRow(cells);
    } catch (error) {
      if (!(error instanceof Bad)) throw error;
      errors.push({ file, line: r.line, column: error.column, reason: error.message });
    }
  }
  return n;
}

const decimal = (column: string, v: string) => {
  if (!DECIMAL.test(v)) throw new Bad(column, `not a non-negative decimal number: ${JSON.stringify(v)}`);
  return v;
};
const duration = (column: string, v: string) => {
  try {
    parseGoDuration(v);
    return /^\d+$/.test(v) ? `${v}ns` : v;
  } catch (error) {
    throw new Bad(column, (error as Error).message);
  }
};
const list = (column: string, v: string, min: number, max: number): number[] => {
  if (v === '*any' || v === '') return [];
  return v.split(';').map((x) => {
    const n = Number(x);
    if (!/^\d+$/.test(x) || n < min || n > max) throw new Bad(column, `${JSON.stringify(x)} is not a number from ${min} to ${max}`);
    return n;
  });
};

/**
 * Reads a CGRateS tariff-plan folder (Destinations, Rates, DestinationRates, Timings,
 * RatingPlans; RatingProfiles is checked but subjects are not Trunkline's concern) into plans.
 * Every bad cell and dangling reference is reported with file, line and column.
 */
export async function parseCgratesFolder(folder: string, onProgress?: (records: number) => void): Promise<TariffParseResult> {
  const errors: RowError[] = [];
  let total = 0;
  const destinations = new Map<string, string[]>();
  total += await records(folder, 'Destinations.csv', ['Id', 'Prefix'], errors, (c) => {
    if (!c['Id']) throw new Bad('Id', 'empty');
    const prefix = c['Prefix']!.replace(/^\+/, '');
    if (!/^\d{1,20}$/.test(prefix)) throw new Bad('Prefix', `not a dial code of 1 to 20 digits: ${JSON.stringify(c['Prefix'])}`);
    const l = destinations.get(c['Id']!) ?? [];
    l.push(prefix);
    destinations.set(c['Id']!, l);
  });
  onProgress?.(total);
  const rates = new Map<string, Slot[]>();
  total += await records(
    folder,
    'Rates.csv',
    ['Id', 'ConnectFee', 'Rate', 'RateUnit', 'RateIncrement', 'GroupIntervalStart'],
    errors,
    (c) => {
      const slot: Slot = {
        connectFee: decimal('ConnectFee', c['ConnectFee']!),
        rate: decimal('Rate', c['Rate']!),
        rateUnit: duration('RateUnit', c['RateUnit']!),
        rateIncrement: duration('RateIncrement', c['RateIncrement']!),
        groupIntervalStart: duration('GroupIntervalStart', c['GroupIntervalStart']!),
      };
      if (parseGoDuration(slot.rateUnit) === 0) throw new Bad('RateUnit', 'must be above zero');
      const l = rates.get(c['Id']!) ?? [];
      l.push(slot);
      rates.set(c['Id']!, l);
    },
  );
  const destRates = new Map<string, DestRate[]>();
  total += await records(
    folder,
    'DestinationRates.csv',
    ['Id', 'DestinationId', 'RatesTag', 'RoundingMethod', 'RoundingDecimals', 'MaxCost', 'MaxCostStrategy'],
    errors,
    (c) => {
      if (c['DestinationId'] !== '*any' && !destinations.has(c['DestinationId']!))
        throw new Bad('DestinationId', `no destination ${c['DestinationId']} in Destinations.csv`);
      if (!rates.has(c['RatesTag']!)) throw new Bad('RatesTag', `no rate ${c['RatesTag']} in Rates.csv`);
      const method = c['RoundingMethod']!;
      if (method !== '*up' && method !== '*middle' && method !== '*down')
        throw new Bad('RoundingMethod', `must be *up, *middle or *down, not ${JSON.stringify(method)}`);
      if (!/^\d{1,2}$/.test(c['RoundingDecimals']!))
        throw new Bad('RoundingDecimals', `not a whole number of decimals: ${JSON.stringify(c['RoundingDecimals'])}`);
      const strategy = c['MaxCostStrategy']!;
      if (strategy !== '*free' && strategy !== '*disconnect' && strategy !== '')
        throw new Bad('MaxCostStrategy', `must be *free, *disconnect or empty, not ${JSON.stringify(strategy)}`);
      const l = destRates.get(c['Id']!) ?? [];
      l.push({
        destinationId: c['DestinationId']!,
        ratesTag: c['RatesTag']!,
        roundingMethod: method,
        roundingDecimals: Number(c['RoundingDecimals']),
        maxCost: c['MaxCost'] === '' ? '0' : decimal('MaxCost', c['MaxCost']!),
        maxCostStrategy: strategy,
      });
      destRates.set(c['Id']!, l);
    },
  );
  const timings = new Map<string, TimingRow>([['*any', ANY_TIMING]]);
  total += await records(
    folder,
    'Timings.csv',
    ['Id', 'Years', 'Months', 'MonthDays', 'WeekDays', 'Time'],
    errors,
    (c) => {
      const time = c['Time'] === '*any' || c['Time'] === '' ? '00:00:00' : c['Time']!;
      try {
        parseTimeOfDay(time);
      } catch (error) {
        throw new Bad('Time', (error as Error).message);
      }
      timings.set(c['Id']!, {
        years: list('Years', c['Years']!, 1970, 2200),
        months: list('Months', c['Months']!, 1, 12),
        monthDays: list('MonthDays', c['MonthDays']!, 1, 31),
        weekDays: list('WeekDays', c['WeekDays']!, 1, 7),
        time,
      });
    },
    true,
  );
  const plans = new Map<string, ImportedPlan>();
  const profiles = new Map<string, ImportedProfile>();
  total += await records(folder, 'RatingPlans.csv', ['Id', 'DestinationRatesId', 'TimingTag', 'Weight'], errors, (c) => {
    const drs = destRates.get(c['DestinationRatesId']!);
    if (!drs) throw new Bad('DestinationRatesId', `no destination rate ${c['DestinationRatesId']} in DestinationRates.csv`);
    const timing = timings.get(c['TimingTag']!);
    if (!timing) throw new Bad('TimingTag', `no timing ${c['TimingTag']} in Timings.csv`);
    const weight = Number(c['Weight']);
    if (c['Weight'] === '' || !Number.isFinite(weight)) throw new Bad('Weight', `not a number: ${JSON.stringify(c['Weight'])}`);
    const plan = plans.get(c['Id']!) ?? { planId: c['Id']!, destinations: new Map<string, string[]>(), entries: [] };
    for (const dr of drs) {
      if (dr.destinationId !== '*any') plan.destinations.set(dr.destinationId, destinations.get(dr.destinationId)!);
      plan.entries.push({
        destination: dr.destinationId,
        rateId: dr.ratesTag,
        slots: rates.get(dr.ratesTag)!,
        timing: { id: c['TimingTag']!, ...timing },
        weight,
        roundingMethod: dr.roundingMethod,
        roundingDecimals: dr.roundingDecimals,
        maxCost: dr.maxCost,
        maxCostStrategy: dr.maxCostStrategy,
      });
    }
    plans.set(plan.planId, plan);
  });
  total += await records(
    folder,
    'RatingProfiles.csv',
    ['Tenant', 'Category', 'Subject', 'ActivationTime', 'RatingPlanId', 'RatesFallbackSubject'],
    errors,
    (c) => {
      if (!plans.has(c['RatingPlanId']!)) throw new Bad('RatingPlanId', `no rating plan ${c['RatingPlanId']} in RatingPlans.csv`);
      const ms = /^\d{4}-\d{2}-\d{2}T/.test(c['ActivationTime']!) ? Date.parse(c['ActivationTime']!) : NaN;
      if (Number.isNaN(ms)) throw new Bad('ActivationTime', `not an ISO-8601 instant: ${JSON.stringify(c['ActivationTime'])}`);
      const id = `${c['Tenant']}:${c['Category']}:${c['Subject']}`;
      const profile = profiles.get(id) ?? { profileId: id, activations: [] };
      profile.activations.push({ at: new Date(ms).toISOString(), planId: c['RatingPlanId']!, fallbackSubject: c['RatesFallbackSubject']! });
      profiles.set(id, profile);
    },
    true,
  );
  for (const [id, slots] of rates) {
    if (!slots.some((s) => parseGoDuration(s.groupIntervalStart) === 0)) {
      errors.push({ file: 'Rates.csv', line: 0, column: 'GroupIntervalStart', reason: `rate ${id} has no slot starting at 0s` });
    }
  }
  onProgress?.(total);
  for (const p of profiles.values()) p.activations.sort((a, b) => (a.at < b.at ? -1 : 1));
  return { plans: [...plans.values()], profiles: [...profiles.values()], errors, records: total };
}
