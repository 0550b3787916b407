import type { RateRow } from '../pricing/charge';
import type { CarrierRouteData } from './events';
import type { CallLimits } from './limits';
import type { RiskClass } from '../rating/risk-classes';
import type { SpendCaps } from '../wallet/spend-caps';

/** Where a call goes, as the service found it (directory and rating lookups are not the decider's). */
export type CallRoute =
  | { readonly kind: 'on-net'; readonly uri: string }
  | {
      readonly kind: 'pstn';
      readonly retail: { readonly prefix: string; readonly row: RateRow };
      /** The destination's risk class (core/rating/risk-classes.ts): refused unless the account is allowed it. */
      readonly riskClass?: RiskClass | null;
      /**
       * Mutable array type only because event data is plain JSON: the decider puts these very
       * objects into CallAuthorized instead of copying them (an open call keeps them for its life).
       */
      readonly carriers: CarrierRouteData[];
    };

export interface CallPolicy {
  /** The most one grant gives (the first and each extension); the proxy cuts the call at the grant's end. */
  readonly grantSeconds: number;
  /** How long past the grant's end a reservation waits for its CDR before it lapses. */
  readonly reservationTtlSeconds: number;
  readonly chargeDecimals: number;
  /** The provider's call limits (an account's own override them); absent: none. */
  readonly limits?: CallLimits;
  /** The most one call may cost, by currency (decimal strings): its grants stop there. Absent: no cap. */
  readonly maxCallCost?: Readonly<Record<string, string>>;
  /** What one account may be charged a day and a month, by currency. Absent: no cap. */
  readonly spendCaps?: Readonly<Record<string, SpendCaps>>;
}

export type CallCommand =
  | {
      readonly type: 'authorize-call';
      readonly data: {
        readonly callId: string;
        readonly destination: string;
        readonly route: CallRoute;
        readonly at: string;
        readonly policy: CallPolicy;
      };
    }
  | { readonly type: 'extend-call'; readonly data: { readonly callId: string; readonly at: string; readonly policy: CallPolicy } }
  | {
      readonly type: 'end-call';
      readonly data: {
        readonly callId: string;
        /** Which proxy reported it: (call id, origin) is the CDR's identity. */
        readonly origin: string;
        readonly answered: boolean;
        /** Seconds from answer to hang-up (fractions allowed); ignored when not answered. */
        readonly seconds: number;
        readonly answeredAt: string | null;
        readonly endedAt: string;
        /** The carrier that carried it, if the proxy says; else the first route. */
        readonly carrierId: string | null;
        /** Post-dial delay the proxy measured (seconds), for carrier quality. */
        readonly pddSeconds?: number;
        readonly reason: string;
        readonly cdr: Readonly<Record<string, string | number | boolean | null>>;
        readonly policy: CallPolicy;
      };
    }
  | {
      readonly type: 'authorize-emergency-call';
      readonly data: {
        readonly callId: string;
        /** The short code as the client dialed it (`112`). */
        readonly dialed: string;
        /** The caller's country (from their number), whose emergency numbers `dialed` is one of. */
        readonly country: string;
        /** The emergency carrier first, then LCR's over the caller's country (margins do not apply). */
        readonly carriers: CarrierRouteData[];
        readonly at: string;
      };
    }
  | {
      readonly type: 'receive-inbound-call';
      readonly data: {
        readonly callId: string;
        /** The caller's number as the peer asserted it. */
        readonly caller: string;
        /** The peer's domain, as its verified certificate names it. */
        readonly peer: string;
        readonly at: string;
      };
    }
  | { readonly type: 'expire-reservations'; readonly data: { readonly at: string } }
  | {
      readonly type: 'record-refusal';
      readonly data: { readonly callId: string; readonly destination: string; readonly reason: 'insufficient-credit'; readonly at: string };
    };
