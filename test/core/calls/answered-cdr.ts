import type { CallCommand, CallPolicy } from '../../../core/calls/commands';

type EndCallData = Extract<CallCommand, { readonly type: 'end-call' }>['data'];

/** The CDR of an answered call that lasted `seconds`, ended at `endedAt` (answered then too unless given). */
export const answeredCdr = (
  callId: string,
  seconds: number,
  o: { readonly endedAt: string; readonly policy: CallPolicy } & Partial<EndCallData>,
): CallCommand => ({
  type: 'end-call',
  data: {
    callId,
    origin: 'cdr',
    answered: true,
    seconds,
    answeredAt: o.endedAt,
    carrierId: null,
    reason: 'normal',
    cdr: {},
    ...o,
  },
});
