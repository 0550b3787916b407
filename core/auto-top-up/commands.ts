export type AutoTopUpCommand =
  | {
      readonly type: 'save-payment-method';
      readonly data: {
        readonly processor: string;
        readonly customerId: string;
        readonly paymentMethodId: string;
        readonly setupId: string;
        readonly processorEventId: string;
      };
    }
  | {
      readonly type: 'enable-auto-top-up';
      readonly data: { readonly threshold: string; readonly amount: string; readonly monthlyCap: string; readonly currency: string };
    }
  | { readonly type: 'disable-auto-top-up'; readonly data: Record<string, never> }
  | {
      readonly type: 'fail-auto-top-up';
      readonly data: { readonly triggerId: string; readonly paymentId: string | null; readonly code: string; readonly reason: string };
    };
