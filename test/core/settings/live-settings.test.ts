import { DomainError } from '../../../core/decider';
import { settingsDecider, type SettingsEvent } from '../../../core/settings/live-settings';
import { deciderSpec } from '../../support/decider-spec';

const { given } = deciderSpec(settingsDecider);

describe('live settings', () => {
  test('blocked prefixes are digits, deduplicated and sorted; the same list again records nothing', () => {
    const set = given()
      .when({ type: 'set-blocked-prefixes', data: { prefixes: ['1976', '1900', '1976'] } })
      .then([{ type: 'BlockedPrefixesSet', data: { prefixes: ['1900', '1976'] } }]);
    given(set)
      .when({ type: 'set-blocked-prefixes', data: { prefixes: ['1900', '1976'] } })
      .thenNothingHappened();
  });

  test('bad prefixes and oversized lists are refused', () => {
    for (const prefixes of [['19a0'], [''], ['1234567890123456'], Array.from({ length: 10_001 }, (_, i) => String(i))])
      given().when({ type: 'set-blocked-prefixes', data: { prefixes } }).thenThrows(DomainError);
  });

  test('pricing options in another key order are the same options; a prototype key never becomes a prototype', () => {
    const set = given()
      .when({ type: 'set-pricing-options', data: { options: { sellDecimals: 4, markupPercent: '30' } } })
      .events();
    given(set)
      .when({ type: 'set-pricing-options', data: { options: { markupPercent: '30', sellDecimals: 4 } } })
      .thenNothingHappened();
    const hostile = JSON.parse('{"__proto__":{"polluted":true},"markupPercent":"30"}') as Record<string, never>;
    const [proto] = given()
      .when({ type: 'set-pricing-options', data: { options: hostile } })
      .events();
    const options = (proto as Extract<SettingsEvent, { type: 'PricingOptionsSet' }>).data.options;
    // dropped or kept as data, never as the object's prototype
    expect(Object.getPrototypeOf(options)).toBe(Object.prototype);
    expect((options as { polluted?: boolean }).polluted).toBeUndefined();
    expect(options['markupPercent']).toBe('30');
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
