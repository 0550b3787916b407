import type { DomainError } from '../../../core/decider';
import type { SmsCommand } from '../../../core/sms/commands';
import { acceptText } from './accept-text';
import { funded, when } from '../wallet/given';

const text = (smsId: string, perDay: string): SmsCommand => acceptText(smsId, '+447911123456', { spendCaps: { EUR: { perDay } } });

test('a text past what the day’s cap leaves (texts held count as spent) is refused spend-cap-reached', () => {
  const given = funded('10');
  const first = when(given, text('s1', '0.06'));
  expect(first[0]!.type).toBe('SmsAccepted');
  let error: DomainError | null = null;
  try {
    when([...given, ...first], text('s2', '0.06'));
  } catch (e) {
    error = e as DomainError;
  }
  expect(error).toMatchObject({ code: 'spend-cap-reached', details: { cap: 'day', left: '0.01' } });
  expect(when([...given, ...first], text('s2', '0.10'))[0]!.type).toBe('SmsAccepted');
});
