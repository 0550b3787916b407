import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCgratesFolder } from '../../../plugins/importers/cgrates/parse';

const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'rating', 'cgrates');

/** A copy of the fixture folder with one line appended to one file. */
function withLine(file: string, line: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-cgr-'));
  cpSync(FIXTURE, dir, { recursive: true });
  writeFileSync(join(dir, file), `${readFileSync(join(dir, file), 'utf8')}${line}\n`);
  return dir;
}

describe('CGRateS importer', () => {
  test('reads the tariff plan into one plan with its destinations and timed entries', async () => {
    const r = await parseCgratesFolder(FIXTURE);
    expect(r.errors).toEqual([]);
    expect(r.plans).toHaveLength(1);
    const plan = r.plans[0]!;
    expect([...plan.destinations.keys()].sort()).toEqual(['DST_FR', 'DST_UK', 'DST_UK_MOBILE']);
    expect(plan.entries.map((e) => [e.destination, e.timing.id, e.slots.length])).toEqual([
      ['DST_UK', 'TM_OFFPEAK', 1],
      ['DST_UK', 'TM_PEAK', 1],
      ['DST_UK_MOBILE', '*any', 2],
      ['DST_FR', '*any', 1],
    ]);
    expect(r.profiles).toEqual([
      { profileId: 'cgrates.org:call:*any', activations: [{ at: '2026-01-01T00:00:00.000Z', planId: 'RP_RETAIL', fallbackSubject: '' }] },
    ]);
  });

  test.each([
    ['Destinations.csv', 'DST_X,44a', 'Prefix', /dial code/],
    ['Rates.csv', 'RT_X,abc,0.1,60s,1s,0s', 'ConnectFee', /decimal/],
    ['Rates.csv', 'RT_X,0,-1,60s,1s,0s', 'Rate', /decimal/],
    ['Rates.csv', 'RT_X,0,0.1,0s,1s,0s', 'RateUnit', /above zero/],
    ['Rates.csv', 'RT_X,0,0.1,60s,1x,0s', 'RateIncrement', /not a duration/],
    ['Rates.csv', 'RT_X,0,0.1,60s,1s,soon', 'GroupIntervalStart', /not a duration/],
    ['DestinationRates.csv', 'DR_X,DST_NOPE,RT_UK,*up,4,0,', 'DestinationId', /no destination DST_NOPE/],
    ['DestinationRates.csv', 'DR_X,DST_UK,RT_NOPE,*up,4,0,', 'RatesTag', /no rate RT_NOPE/],
    ['DestinationRates.csv', 'DR_X,DST_UK,RT_UK,*sideways,4,0,', 'RoundingMethod', /\*up, \*middle or \*down/],
    ['DestinationRates.csv', 'DR_X,DST_UK,RT_UK,*up,four,0,', 'RoundingDecimals', /whole number/],
    ['DestinationRates.csv', 'DR_X,DST_UK,RT_UK,*up,4,lots,', 'MaxCost', /decimal/],
    ['DestinationRates.csv', 'DR_X,DST_UK,RT_UK,*up,4,1,*maybe', 'MaxCostStrategy', /\*free, \*disconnect or empty/],
    ['Timings.csv', 'TM_X,*any,13,*any,*any,00:00:00', 'Months', /1 to 12/],
    ['Timings.csv', 'TM_X,*any,*any,32,*any,00:00:00', 'MonthDays', /1 to 31/],
    ['Timings.csv', 'TM_X,*any,*any,*any,8,00:00:00', 'WeekDays', /1 to 7/],
    ['Timings.csv', 'TM_X,1800,*any,*any,*any,00:00:00', 'Years', /1970 to 2200/],
    ['Timings.csv', 'TM_X,*any,*any,*any,*any,25:00:00', 'Time', /time of day/],
    ['RatingPlans.csv', 'RP_X,DR_NOPE,*any,10', 'DestinationRatesId', /no destination rate DR_NOPE/],
    ['RatingPlans.csv', 'RP_X,DR_FR,TM_NOPE,10', 'TimingTag', /no timing TM_NOPE/],
    ['RatingPlans.csv', 'RP_X,DR_FR,*any,heavy', 'Weight', /not a number/],
    ['RatingProfiles.csv', 'cgrates.org,call,bob,2026-01-01T00:00:00Z,RP_NOPE,', 'RatingPlanId', /no rating plan RP_NOPE/],
    ['RatingProfiles.csv', 'cgrates.org,call,bob,last tuesday,RP_RETAIL,', 'ActivationTime', /ISO-8601/],
  ])('%s: a bad %s is reported with its line', async (file, line, column, reason) => {
    const dir = withLine(file, line);
    try {
      const r = await parseCgratesFolder(dir);
      expect(r.errors).toEqual([expect.objectContaining({ file, column, reason: expect.stringMatching(reason) })]);
      expect(r.errors[0]!.line).toBeGreaterThan(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a missing required file and a rate without a 0s slot are errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trunkline-cgr-'));
    cpSync(FIXTURE, dir, { recursive: true });
    rmSync(join(dir, 'Destinations.csv'));
    writeFileSync(join(dir, 'Rates.csv'), `${readFileSync(join(dir, 'Rates.csv'), 'utf8')}RT_LATE,0,0.1,60s,1s,30s\n`);
    const r = await parseCgratesFolder(dir);
    expect(r.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'Destinations.csv', reason: expect.stringMatching(/missing/) }),
        expect.objectContaining({ file: 'Rates.csv', reason: expect.stringMatching(/RT_LATE has no slot starting at 0s/) }),
      ]),
    );
    rmSync(dir, { recursive: true, force: true });
  });
});
