import { DomainError } from '../../../core/decider';
import type { CallCommand, CallPolicy } from '../../../core/calls/commands';
import { walletDecider } from '../../../core/wallet';
import { deciderSpec } from '../../support/decider-spec';
import { funded, opened, when } from '../wallet/given';

const { given } = deciderSpec(walletDecider);
const policy: CallPolicy = { grantSeconds: 3600, reservationTtlSeconds: 120, chargeDecimals: 6 };
const row = { rate: '0.60', connectFee: '0', initial: 60, subsequent: 60, minimum: 0 };
const route = { kind: 'pstn' as const, retail: { prefix: '44', row }, carriers: [] };
const authorize: CallCommand = {
  type: 'authorize-call',
  data: { callId: 'c1', destination: '+442079460000', route, at: '2026-12-01T10:00:00.000Z', policy },
};
const credit = funded('1.20');

describe('the call decider, as sentences', () => {
  test('given 1.20 of credit at 0.60 a minute, when a call is authorized, then two minutes are granted and reserved', () => {
    given(credit)
      .when(authorize)
      .then([expect.objectContaining({ type: 'CallAuthorized', data: expect.objectContaining({ grantedSeconds: 120, reserved: '1.2' }) })]);
  });

  test('given the call authorized, when the same call id is authorized again, then nothing happens', () => {
    given(credit, when(credit, authorize)).when(authorize).thenNothingHappened();
  });

  test('given no credit, when a call is authorized, then it is refused for credit', () => {
    given(opened)
      .when(authorize)
      .thenThrows(DomainError, (e) => (e as DomainError).code === 'insufficient-credit');
  });
});

describe('record-refusal', () => {
  const refusal = (callId: string, at: string): CallCommand => ({
    type: 'record-refusal',
    data: { callId, destination: '+442079460000', reason: 'insufficient-credit', at },
  });

  test('a refusal is recorded, then at most one a minute per account', () => {
    const first = given(opened)
      .when(refusal('r-1', '2026-12-04T10:00:00.000Z'))
      .then([
        expect.objectContaining({ type: 'CallRefused', data: expect.objectContaining({ callId: 'r-1', reason: 'insufficient-credit' }) }),
      ]);
    given(opened, first).when(refusal('r-2', '2026-12-04T10:00:59.999Z')).thenNothingHappened();
    given(opened, first)
      .when(refusal('r-3', '2026-12-04T10:01:00.000Z'))
      .then([expect.objectContaining({ type: 'CallRefused', data: expect.objectContaining({ callId: 'r-3' }) })]);
  });

  test('no account, nothing recorded', () => {
    given().when(refusal('r-1', '2026-12-04T10:00:00.000Z')).thenNothingHappened();
  });
});
