import { DomainError } from '../../../core/decider';
import { carrierDecider, type CarrierCommand } from '../../../core/rating/carrier-decider';
import { ROWS_PER_CHUNK } from '../../../core/rating/chunks';
import { deciderSpec } from '../../support/decider-spec';
import { deckRow } from '../../support/deck-rows';

const { given } = deciderSpec(carrierDecider);
const register: CarrierCommand = {
  type: 'register',
  data: { carrierId: 'alpha', name: 'Alpha', currency: 'EUR', preference: 1, trunks: [] },
};
const deck = (sha256: string, rows = [deckRow('44', '0.01'), deckRow('447', '0.02')]): CarrierCommand => ({
  type: 'publish-deck',
  data: {
    rows,
    sha256,
    source: 'test',
  },
});

describe('carrier decider', () => {
  const registered = given().when(register).events();

  test('registering records the carrier, a voice carrier unless told otherwise', () => {
    given()
      .when(register)
      .then([
        expect.objectContaining({
          type: 'CarrierRegistered',
          data: { carrierId: 'alpha', name: 'Alpha', currency: 'EUR', preference: 1, trunks: [], service: 'voice' },
        }),
      ]);
  });

  test('registering again in the same currency changes nothing; in another it is refused', () => {
    given(registered).when(register).thenNothingHappened();
    given(registered)
      .when({ ...register, data: { ...register.data, currency: 'USD' } })
      .thenThrows(DomainError, /registered already, in EUR/);
  });

  test('a carrier id must be lowercase letters, digits, - or _', () => {
    given()
      .when({ ...register, data: { ...register.data, carrierId: 'Alpha!' } })
      .thenThrows((e) => e instanceof DomainError && e.code === 'invalid-carrier-id');
  });

  test('a deck is staged in chunks, then published as the next version', () => {
    const rows = Array.from({ length: ROWS_PER_CHUNK + 1 }, (_, i) => deckRow(`44${i}`, '0.01'));
    const published = given(registered)
      .when(deck('sha-1', rows))
      .then([
        expect.objectContaining({ type: 'DeckRowsStaged', data: expect.objectContaining({ version: 1, chunk: 0 }) }),
        expect.objectContaining({ type: 'DeckRowsStaged', data: expect.objectContaining({ version: 1, chunk: 1 }) }),
        expect.objectContaining({
          type: 'DeckPublished',
          data: { carrierId: 'alpha', version: 1, rows: ROWS_PER_CHUNK + 1, chunks: 2, sha256: 'sha-1', source: 'test' },
        }),
      ]);
    given(registered, published)
      .when(deck('sha-2'))
      .then([
        expect.objectContaining({ type: 'DeckRowsStaged', data: expect.objectContaining({ version: 2 }) }),
        expect.objectContaining({ type: 'DeckPublished', data: expect.objectContaining({ version: 2 }) }),
      ]);
  });

  test('the same deck content again changes nothing; a deck for an unknown carrier is refused', () => {
    const published = given(registered).when(deck('sha-1')).events();
    given(registered, published).when(deck('sha-1')).thenNothingHappened();
    given()
      .when(deck('sha-1'))
      .thenThrows(DomainError, /register the carrier/);
  });
});
