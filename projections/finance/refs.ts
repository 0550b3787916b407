import type { AccountStreamEvent } from '../../core/wallet';

/** A call's attempt and traffic row (they share it), by the account and call its event names. */
export function callRef(data: object): string {
  const { accountId, callId } = data as { accountId: string; callId?: string };
  return `call:${accountId}:${callId ?? ''}`;
}
export const textRef = (d: { accountId: string; smsId: string }) => `sms:${d.accountId}:${d.smsId}`;
export const rerateRef = (d: { accountId: string; callId: string; sequence: number }) => `rerate:${d.accountId}:${d.callId}:${d.sequence}`;

/** The traffic and attempt rows an event may read or change, read for the whole batch before it is applied. */
export function refsOf(e: AccountStreamEvent): string[] {
  switch (e.type) {
    case 'CallAuthorized':
    case 'CallFailed':
    case 'CallCharged':
    case 'CarrierCostRecorded':
      return [callRef(e.data)];
    case 'CallRerated':
      return [callRef(e.data), rerateRef(e.data)];
    case 'SmsSubmitted':
    case 'SmsCharged':
    case 'SmsRefunded':
      return [textRef(e.data)];
    default:
      return [];
  }
}
