import { DomainError } from '../../../core/decider';
import { walletDecider, type WalletCommand } from '../../../core/wallet';
import { deciderSpec } from '../../support/decider-spec';
import { opened, stripe, when } from './given';

const { given } = deciderSpec(walletDecider);
const purchase = (paymentId: string, amount: string): WalletCommand => ({
  type: 'record-purchase',
  data: { ...stripe, paymentId, processorEventId: `evt_${paymentId}`, amount, currency: 'EUR' },
});
const charge = (chargeId: string, amount: string): WalletCommand => ({
  type: 'charge',
  data: { chargeId, chargeKind: 'call', reference: chargeId, destination: null, amount, currency: 'EUR', at: '2026-12-01T00:00:00Z' },
});

describe('the wallet decider, as sentences', () => {
  test('given an open account, when a payment succeeds, then paid credit is purchased', () => {
    given(opened)
      .when(purchase('pi_1', '10.00'))
      .then([expect.objectContaining({ type: 'CreditPurchased', data: expect.objectContaining({ paymentId: 'pi_1', credit: '10' }) })]);
  });

  test('given the payment credited, when it is reported again, then nothing happens', () => {
    given(opened, when(opened, purchase('pi_1', '10.00')))
      .when(purchase('pi_1', '10.00'))
      .thenNothingHappened();
  });

  test('given no account, when a payment succeeds, then it is refused', () => {
    given().when(purchase('pi_1', '10.00')).thenThrows(DomainError);
  });

  test('given credit, when an operator charges it, then the charge is drawn from paid credit', () => {
    given(opened, when(opened, purchase('pi_1', '10.00')))
      .when(charge('c1', '2.50'))
      .then([expect.objectContaining({ type: 'WalletCharged', data: expect.objectContaining({ amount: '2.5', fromPaid: '2.5' }) })]);
  });
});
