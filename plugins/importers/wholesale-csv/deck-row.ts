import { Decimal } from '../../../core/money';
import type { DeckRow } from '../../../core/rating/catalog-events';
import { CellError, decimal, lastInstant, seconds } from './cells';
import type { Column, Mapping } from './mapping';

const ALWAYS = '1970-01-01T00:00:00.000Z';
const DIAL_CODE = /^\d{1,20}$/;

/** A cell's text that says something: absent (unmapped, or past the row's end) and blank are not. */
const filled = (text: string | undefined): text is string => text !== undefined && text.trim() !== '';

/** Field `i` of a record; -1 stands for an unmapped column. */
const cellOf = (fields: readonly string[], i: number): string | undefined => (i === -1 ? undefined : fields[i]);

/**
 * Turns a record's fields into a deck row, or throws the CellError of its first bad cell. The
 * mapped columns' field indexes are read once, not per cell: this runs once per row of decks of
 * hundreds of thousands of rows.
 */
export function deckRowReader(
  mapping: Mapping,
  indexes: ReadonlyMap<Column, number>,
  carrierCurrency: string,
): (fields: readonly string[]) => DeckRow {
  const at = (c: Column) => indexes.get(c) ?? -1;
  const [prefixAt, destinationAt, rateAt, initialAt, subsequentAt] = [
    at('prefix'),
    at('destination'),
    at('rate'),
    at('initial'),
    at('subsequent'),
  ];
  const [feeAt, minimumAt, fromAt, toAt, currencyAt] = [
    at('connectFee'),
    at('minimum'),
    at('effectiveFrom'),
    at('effectiveTo'),
    at('currency'),
  ];
  const perSecond = mapping.ratePer === 'second';
  const defaults = mapping.defaults;
  const from = lastInstant();
  const to = lastInstant();
  return (fields) => {
    const prefixText = cellOf(fields, prefixAt);
    if (prefixText === undefined) throw new CellError('prefix', `the row has ${fields.length} fields; the prefix column is missing`);
    const prefix = prefixText.trim().replace(/^\+/, '');
    if (!DIAL_CODE.test(prefix)) throw new CellError('prefix', `not a dial code of 1 to 20 digits: ${JSON.stringify(prefixText)}`);
    const rateText = cellOf(fields, rateAt);
    if (!filled(rateText)) throw new CellError('rate', 'missing');
    const rate = decimal('rate', rateText);
    const [initialText, subsequentText, feeText, minimumText] = [
      cellOf(fields, initialAt),
      cellOf(fields, subsequentAt),
      cellOf(fields, feeAt),
      cellOf(fields, minimumAt),
    ];
    const [fromText, toText, currencyText] = [cellOf(fields, fromAt), cellOf(fields, toAt), cellOf(fields, currencyAt)];
    if (filled(currencyText) && currencyText.trim().toUpperCase() !== carrierCurrency)
      throw new CellError('currency', `${currencyText.trim()} differs from the carrier's currency ${carrierCurrency}`);
    const effectiveFrom = filled(fromText) ? from('effectiveFrom', fromText) : ALWAYS;
    const effectiveTo = filled(toText) ? to('effectiveTo', toText) : null;
    if (effectiveTo !== null && effectiveTo <= effectiveFrom)
      throw new CellError('effectiveTo', `ends (${effectiveTo}) before it starts (${effectiveFrom})`);
    return {
      prefix,
      destination: (cellOf(fields, destinationAt) ?? '').trim(),
      rate: perSecond ? new Decimal(rate).times(60).toFixed() : rate,
      initial: filled(initialText) ? seconds('initial', initialText, 1) : defaults.initial,
      subsequent: filled(subsequentText) ? seconds('subsequent', subsequentText, 1) : defaults.subsequent,
      connectFee: filled(feeText) ? decimal('connectFee', feeText) : defaults.connectFee,
      minimum: filled(minimumText) ? seconds('minimum', minimumText, 0) : defaults.minimum,
      effectiveFrom,
      effectiveTo,
    };
  };
}
