import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../adapters/runtime/config';
import { openEventStore } from '../../../adapters/runtime/open-stores';
import { systemClock } from '../../../core/clock';
import type { EventStore } from '../../../core/event-store';
import { InvalidEventError } from '../../../core/events/codec';
import type { EventToAppend } from '../../../core/events/envelope';
import { deriveId } from '../../../core/ids';
import { collect } from '../../support/events';

const purchase = (amount: string, n = amount): EventToAppend => ({
  id: deriveId('test-purchase', n),
  type: 'CreditPurchased',
  schemaVersion: 1,
  data: {
    accountId: 'acc-1',
    processor: 'stripe',
    paymentId: `pi_${n}`,
    processorEventId: `evt_${n}`,
    amount,
    credit: amount,
    currency: 'EUR',
  },
  metadata: { actor: 'test' },
});

const receipt = (status: string): EventToAppend => ({
  id: deriveId('test-receipt', status),
  type: 'SmsReceiptRecorded',
  schemaVersion: 1,
  data: { accountId: 'acc-1', smsId: 's1', gatewayId: 'gw', messageId: 'm1', status, error: null, at: '2026-01-01T00:00:00Z' },
  metadata: {},
});

/** The stores the runtime opens, whatever the backend: every append is checked against its event's schema. */
describe.each(['memory', 'sqlite'] as const)('the %s event store as the engine opens it', (backend) => {
  let dir: string;
  let store: EventStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trunkline-validating-'));
    const config = loadConfig({ env: { TRUNKLINE_STORE: backend }, flags: { dataDir: dir }, cwd: dir });
    expect(config.store).toBe(backend);
    store = await openEventStore(config, systemClock);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const refused = async (events: EventToAppend[], reason: RegExp) => {
    const error = await store.append('account-1', events, 'any').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as Error).message).toMatch(reason);
    expect(await store.head()).toBe(0);
    expect(await collect(store.readStream('account-1'))).toEqual([]);
  };

  it('refuses a purchase of a negative, or zero, amount: nothing of the batch is written', async () => {
    await refused([purchase('-5')], /CreditPurchased.*amount/);
    await refused([purchase('0.00')], /greater than 0/);
    // one bad event refuses its whole batch
    await refused([purchase('5', 'ok'), purchase('-5')], /CreditPurchased/);
  });

  it.each(['constructor', '__proto__', 'toString', 'unknown'])('refuses a receipt whose status is %s', async (status) => {
    await refused([receipt(status)], /SmsReceiptRecorded.*status/);
  });

  it('refuses an event of no known type, or in another schema version than the current one', async () => {
    await refused([{ ...purchase('5'), type: 'constructor' }], /unknown event type/);
    await refused([{ ...purchase('5'), type: 'CreditMinted' }], /unknown event type/);
    await refused([{ ...purchase('5'), schemaVersion: 2 }], /schema version 2/);
  });

  it('appends valid events as before', async () => {
    const r = await store.append('account-1', [purchase('5'), receipt('delivered')], 'no-stream');
    expect(r).toMatchObject({ nextVersion: 1, deduplicated: false });
    expect((await collect(store.readStream('account-1'))).map((e) => e.type)).toEqual(['CreditPurchased', 'SmsReceiptRecorded']);
  });
});
