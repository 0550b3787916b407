import { accountIdOf, accountStream } from '../../core/accounts/account';
import { manualClock } from '../../core/clock';
import type { CallRoute } from '../../core/calls/commands';
import { DomainError } from '../../core/decider';
import { EventIdConflictError, type EventStore } from '../../core/event-store';
import { uuidv7Generator } from '../../core/ids';
import { memoryEventStore } from '../../adapters/event-store/memory';
import { walletService } from '../../application/wallet/service';
import type { Projection } from '../../application/ports/projection';
import type { ReadModelStore } from '../../application/ports/read-model-store';
import { projectionRunner } from '../../projections/runner';
import { opened, NUMBER } from '../core/wallet/given';
import { seeded } from './random';
import { randomCommand } from './wallet-commands';

const carrier = (carrierId: string, prefix: string) => ({
  carrierId,
  prefix,
  currency: 'EUR',
  row: { rate: '0.0061', connectFee: '0', initial: 1, subsequent: 1, minimum: 0 },
  uris: [`sip:${carrierId}.example`],
});
/** The random calls' route, with two carriers in LCR order, so that attempts are counted. */
const ROUTE: CallRoute = {
  kind: 'pstn',
  retail: { prefix: '44', row: { rate: '0.137', connectFee: '0.01', initial: 30, subsequent: 6, minimum: 0 } },
  carriers: [carrier('alpha', '4420'), carrier('beta', '44')],
};

/**
 * A log of random wallets (texts, calls, top-ups, refunds, grants, expiries), then what the proxy
 * reports after the calls: each charged call's carrier cost, some twice (a second carrier's CDR),
 * so the projections see rows created, changed and changed again across batch boundaries.
 */
export async function randomWalletLog(accounts = 48, steps = 40): Promise<EventStore> {
  const clock = manualClock(new Date('2026-12-01T00:00:00Z'));
  const store = memoryEventStore(clock);
  const ids = uuidv7Generator(clock);
  const wallet = walletService({ store, ids, clock });
  for (let seed = 1; seed <= accounts; seed++) {
    const number = `${NUMBER.slice(0, -2)}${String(seed).padStart(2, '0')}`;
    const open = { ...opened[0]!, data: { ...opened[0]!.data, number, accountId: accountIdOf(number) } };
    await store.append(accountStream(number), [{ ...open, schemaVersion: 1, metadata: {}, id: ids.next() }], 'no-stream');
    const r = seeded(seed);
    for (let step = 0; step < steps; step++) {
      try {
        const command = randomCommand(r, step, `s${seed}-`);
        // every other account's calls are carried by the second carrier: the first failed over
        const routed =
          command.type === 'authorize-call'
            ? { ...command, data: { ...command.data, route: ROUTE } }
            : command.type === 'end-call' && seed % 2 === 0
              ? { ...command, data: { ...command.data, carrierId: 'beta' } }
              : command;
        await wallet.execute(number, routed, 'test');
      } catch (error) {
        // refused, or a random fact repeated under its derived id: either way the log is unchanged
        if (!(error instanceof DomainError || error instanceof EventIdConflictError)) throw error;
      }
    }
  }
  const charged: { stream: string; data: { accountId: string; callId: string; billedSeconds: number } }[] = [];
  for await (const e of store.readAll(0)) if (e.type === 'CallCharged') charged.push(e as unknown as (typeof charged)[number]);
  for (const [i, c] of charged.entries()) {
    const carriers = i % 4 === 0 ? ['alpha', 'beta'] : [i % 2 ? 'alpha' : 'beta'];
    for (const carrierId of carriers)
      await store.append(
        c.stream,
        [
          {
            id: ids.next(),
            type: 'CarrierCostRecorded',
            schemaVersion: 1,
            metadata: {},
            data: {
              accountId: c.data.accountId,
              callId: c.data.callId,
              carrierId,
              prefix: carrierId === 'alpha' ? '4420' : '44',
              rate: '0.0061',
              billedSeconds: c.data.billedSeconds,
              cost: (c.data.billedSeconds * 0.000101234567).toFixed(12),
              currency: 'EUR',
            },
          },
        ],
        'any',
      );
  }
  return store;
}

/** Every row of each table, in one order, as the store returns them. */
export async function dumpTables(rm: ReadModelStore, tables: readonly string[]): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of tables) {
    const rows = await rm.query<Record<string, unknown>>(`SELECT * FROM ${t}`);
    out[t] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

/**
 * The projection's tables are the same whether the log is applied one event at a time, in
 * batches of a few, in batches of a thousand, or rebuilt: `applyBatch` must equal `apply` in turn.
 * `nonEmpty` names tables that must hold rows, so that an empty read model cannot pass.
 */
export function batchedIdentityContract(
  projection: Projection,
  tables: readonly string[],
  nonEmpty: readonly string[],
  newReadModels: () => Promise<ReadModelStore>,
  /** What must hold of every variant's tables, whatever the batches (all variants may share a bug). */
  check: (rm: ReadModelStore) => Promise<void> = async () => undefined,
): void {
  test(`${projection.name}: one by one, in small and in large batches, and rebuilt, the tables are identical`, async () => {
    const store = await randomWalletLog();
    const clock = manualClock(new Date('2026-12-02T00:00:00Z'));
    const { applyBatch: _batched, ...oneByOne } = projection;
    const dumps: Record<string, unknown[]>[] = [];
    const variants: [Projection, number][] = [
      [oneByOne, 1000],
      [projection, 1],
      [projection, 7],
      [projection, 1000],
    ];
    for (const [p, batchSize] of variants) {
      const rm = await newReadModels();
      try {
        const runner = projectionRunner({ store, readModels: rm, projections: [p], clock, batchSize });
        await runner.catchUp(p.name);
        dumps.push(await dumpTables(rm, tables));
        await check(rm);
        if (p === projection && batchSize === 1000) {
          await runner.rebuild(p.name);
          dumps.push(await dumpTables(rm, tables));
        }
      } finally {
        await rm.close();
      }
    }
    for (const t of nonEmpty) expect({ [t]: dumps[0]![t]!.length > 0 }).toEqual({ [t]: true });
    for (const d of dumps.slice(1)) expect(d).toEqual(dumps[0]);
  });
}
