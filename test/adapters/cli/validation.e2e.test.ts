import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteEventStore } from '../../../adapters/event-store/sqlite';
import { recordRejectedFact } from '../../../application/facts/rejected-facts';
import { deriveId } from '../../../core/ids';
import { runCli } from '../../support/cli';

describe('trunkline CLI on a log with a rejected fact and an event no schema allows', () => {
  let dir: string;
  const badId = deriveId('test-cli-bad', '1');
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trunkline-cli-validation-'));
    // the backend itself, past the schema check, as an older engine could have written it
    const raw = sqliteEventStore({ path: join(dir, 'events.sqlite') });
    await raw.append(
      'account-+442079464001',
      [
        {
          id: badId,
          type: 'CreditPurchased',
          schemaVersion: 1,
          data: {
            accountId: 'a',
            processor: 'stripe',
            paymentId: 'pi',
            processorEventId: 'evt',
            amount: '-5',
            credit: '-5',
            currency: 'EUR',
          },
          metadata: {},
        },
      ],
      'no-stream',
    );
    await recordRejectedFact(raw, {
      source: 'stripe',
      externalId: 'evt_negative',
      reason: 'amount received -500 (minor units) is not greater than 0',
      raw: '{"id":"evt_negative"}',
      at: new Date('2026-05-01T00:00:00Z'),
    });
    await raw.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('`facts rejected` lists the facts kept for review', () => {
    const r = runCli(['--data-dir', dir, 'facts', 'rejected', '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      expect.objectContaining({ source: 'stripe', externalId: 'evt_negative', reason: expect.stringMatching(/-500/), position: 2 }),
    ]);
    const table = runCli(['--data-dir', dir, 'facts', 'rejected', '--source', 'sms-gateway:x']);
    expect([table.status, table.stdout]).toEqual([0, '(none)\n']);
  });

  test('a rebuild that meets the event fails naming it; status shows where the projection stopped, the others did not', () => {
    const r = runCli(['--data-dir', dir, 'projections', 'rebuild', 'balances']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(
      new RegExp(`^trunkline: projection balances stopped at event 1 \\(${badId}, CreditPurchased\\): .*does not match its schema`),
    );
    const status = runCli(['--data-dir', dir, 'projections', 'status', '--json']);
    const rows = JSON.parse(status.stdout) as { name: string; stopped: unknown }[];
    expect(rows.find((s) => s.name === 'balances')!.stopped).toMatchObject({ position: 1, eventId: badId, type: 'CreditPurchased' });
    expect(rows.find((s) => s.name === 'sms')!.stopped).toBeNull();
    const table = runCli(['--data-dir', dir, 'projections', 'status']);
    expect(table.stdout).toMatch(new RegExp(`balances .*event 1 \\(${badId}, CreditPurchased\\)`));
  });
});
