import { digitsOf, parseE164 } from '../../core/e164';
import { matchDeck } from '../../core/rating/deck';
import { parseDecimal } from '../../core/money';
import type { SmsPrice } from '../../core/sms/commands';
import type { CurrentRates } from './current-rates';

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

/** Where a text can go, and at what price. */
export function smsRouting(rates: CurrentRates) {
  const { current } = rates;
  return {
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
  };
}
