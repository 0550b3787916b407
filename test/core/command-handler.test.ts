import { handleCommand, ConcurrencyExhaustedError } from '../../core/command-handler';
import { DomainError } from '../../core/decider';
import { uuidv7Generator } from '../../core/ids';
import { systemClock } from '../../core/clock';
import { memoryEventStore } from '../../adapters/event-store/memory';
import { WrongExpectedVersionError, type EventStore } from '../../core/event-store';
import { ledger, ledgerCodec, type LedgerState } from '../support/ledger-decider';
import { stateCache } from '../../core/state-cache';
import { collect } from '../support/events';
import { InvalidEventError } from '../../core/events/codec';

describe('command handler', () => {
  let store: EventStore;
  const ids = uuidv7Generator(systemClock);
  const deps = () => ({ store, ids, codec: ledgerCodec });
  beforeEach(() => {
    store = memoryEventStore();
  });

  test('given no events, when credited, then Credited is appended with the metadata', async () => {
    const r = await handleCommand(
      deps(),
      ledger,
      'ledger-1',
      { kind: 'credit', amount: 5, reference: 'r1' },
      { metadata: { actor: 'test', correlationId: 'c1' } },
    );
    expect(r.events).toEqual([expect.objectContaining({ type: 'Credited', data: { amount: '5', reference: 'r1' } })]);
    expect(r.version).toBe(0);
    expect(r.state.balance).toBe(5);
    const [stored] = await collect(store.readStream('ledger-1'));
    expect(stored).toMatchObject({ type: 'Credited', schemaVersion: 2, metadata: { actor: 'test', correlationId: 'c1' } });
  });

  test('the same outside fact twice changes nothing', async () => {
    await handleCommand(deps(), ledger, 'l', { kind: 'credit', amount: 5, reference: 'r1' });
    const again = await handleCommand(deps(), ledger, 'l', { kind: 'credit', amount: 5, reference: 'r1' });
    expect(again.events).toEqual([]);
    expect(again.state.balance).toBe(5);
    expect(await store.head()).toBe(1);
  });

  test('a refused command raises the domain error and appends nothing', async () => {
    await expect(handleCommand(deps(), ledger, 'l', { kind: 'debit', amount: 1 })).rejects.toMatchObject({ code: 'insufficient-credit' });
    await expect(handleCommand(deps(), ledger, 'l', { kind: 'debit', amount: 1 })).rejects.toBeInstanceOf(DomainError);
    expect(await store.head()).toBe(0);
  });

  test('concurrent debits retry on conflict and never overdraw', async () => {
    await handleCommand(deps(), ledger, 'l', { kind: 'credit', amount: 5, reference: 'r1' });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => handleCommand(deps(), ledger, 'l', { kind: 'debit', amount: 1 }, { maxAttempts: 20 })),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected' && r.reason instanceof DomainError);
    expect(ok).toHaveLength(5);
    expect(refused).toHaveLength(5);
    const final = await handleCommand(deps(), ledger, 'l', { kind: 'credit', amount: 0, reference: 'probe' });
    expect(final.state.balance).toBe(0);
  });

  test('with state caches: two writers, each with its own cache, interleave and never overdraw; caches read only new events', async () => {
    const reads: number[] = [];
    const counting: EventStore = {
      ...store,
      readStream(stream, fromVersion) {
        reads.push(fromVersion ?? 0);
        return store.readStream(stream, fromVersion);
      },
    };
    const nodes = [stateCache<LedgerState>(), stateCache<LedgerState>()].map((cache) => ({
      store: counting,
      ids,
      codec: ledgerCodec,
      cache,
    }));
    await handleCommand(nodes[0]!, ledger, 'l', { kind: 'credit', amount: 7, reference: 'r1' });
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => handleCommand(nodes[i % 2]!, ledger, 'l', { kind: 'debit', amount: 1 }, { maxAttempts: 30 })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(7);
    const fresh = await handleCommand(deps(), ledger, 'l', { kind: 'credit', amount: 0, reference: 'probe' });
    expect(fresh.state.balance).toBe(0);
    for (const node of nodes) expect(node.cache.get('l')!.state.balance).toBeGreaterThanOrEqual(0);
    // once warm and current, a command reads nothing: the append at the cached version is the check
    await handleCommand(nodes[0]!, ledger, 'l', { kind: 'credit', amount: 0, reference: 'warm' });
    reads.length = 0;
    await handleCommand(nodes[0]!, ledger, 'l', { kind: 'credit', amount: 1, reference: 'r2' });
    expect(reads).toEqual([]);
    // behind (the other node wrote since): the append is refused and the retry reads only what is new
    reads.length = 0;
    await handleCommand(nodes[1]!, ledger, 'l', { kind: 'credit', amount: 0, reference: 'from-1' });
    await handleCommand(nodes[0]!, ledger, 'l', { kind: 'credit', amount: 0, reference: 'r3' });
    expect(reads.at(-1)).toBeGreaterThan(0);
    expect((await handleCommand(nodes[1]!, ledger, 'l', { kind: 'debit', amount: 1 })).state.balance).toBe(0);
  });

  test('a refusal or a replay seen on a stale cache is decided again on a fresh read', async () => {
    const [a, b] = [stateCache<LedgerState>(), stateCache<LedgerState>()].map((cache) => ({ store, ids, codec: ledgerCodec, cache }));
    await handleCommand(a!, ledger, 's', { kind: 'credit', amount: 0, reference: 'open' });
    // another node credits; node a's cache still says 0
    await handleCommand(b!, ledger, 's', { kind: 'credit', amount: 5, reference: 'r1' });
    expect((await handleCommand(a!, ledger, 's', { kind: 'debit', amount: 3 })).state.balance).toBe(2);
    // a replay of b's credit through a: nothing new, and the state answered is the stream's
    const replay = await handleCommand(a!, ledger, 's', { kind: 'credit', amount: 5, reference: 'r1' });
    expect([replay.events.length, replay.state.balance]).toEqual([0, 2]);
  });

  test('the cache forgets the least recently used streams beyond its size, and never goes back a version', () => {
    const cache = stateCache<number>(2);
    cache.set('a', 1, 1);
    cache.set('b', 2, 1);
    cache.get('a');
    cache.set('c', 3, 1);
    expect([cache.get('a')?.state, cache.get('b'), cache.get('c')?.state]).toEqual([1, undefined, 3]);
    cache.set('a', 0, 0);
    expect(cache.get('a')).toEqual({ state: 1, version: 1 });
  });

  test('commands on one stream run one at a time in a process: 100 at once all succeed on the first attempt', async () => {
    // a store whose appends resolve a turn later, as a group-committing store does
    const slow: EventStore = {
      ...store,
      readStream: store.readStream.bind(store),
      append: (...a) => new Promise((r) => setImmediate(() => r(store.append(...a)))),
    };
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        handleCommand({ store: slow, ids, codec: ledgerCodec }, ledger, 'busy', { kind: 'credit', amount: 1, reference: `r${i}` }),
      ),
    );
    expect(results.map((r) => r.attempts)).toEqual(Array(100).fill(1));
    expect(results.at(-1)!.state.balance).toBe(100);
    expect((await collect(store.readStream('busy'))).length).toBe(100);
  });

  test('a command on another stream does not wait for a busy one, and a failure does not block the queue', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const gated: EventStore = {
      ...store,
      readStream: store.readStream.bind(store),
      append: async (stream, events, expected) =>
        stream === 'held' ? gate.then(() => store.append(stream, events, expected)) : store.append(stream, events, expected),
    };
    const d = { store: gated, ids, codec: ledgerCodec };
    const held = handleCommand(d, ledger, 'held', { kind: 'credit', amount: 1, reference: 'a' });
    const refused = handleCommand(d, ledger, 'held', { kind: 'debit', amount: 5 });
    const after = handleCommand(d, ledger, 'held', { kind: 'credit', amount: 2, reference: 'b' });
    expect((await handleCommand(d, ledger, 'free', { kind: 'credit', amount: 1, reference: 'c' })).state.balance).toBe(1);
    release();
    expect((await held).state.balance).toBe(1);
    await expect(refused).rejects.toMatchObject({ code: 'insufficient-credit' });
    expect((await after).state.balance).toBe(3);
  });

  test('gives up after the bounded number of attempts', async () => {
    const contended: EventStore = {
      ...store,
      readStream: store.readStream.bind(store),
      append: async (stream) => {
        throw new WrongExpectedVersionError(stream, 0, 1);
      },
    };
    let calls = 0;
    const counting = { ...contended, append: async (s: string) => (calls++, contended.append(s, [], 'any')) };
    await expect(
      handleCommand(
        { store: counting, ids, codec: ledgerCodec },
        ledger,
        'l',
        { kind: 'credit', amount: 1, reference: 'x' },
        { maxAttempts: 3 },
      ),
    ).rejects.toBeInstanceOf(ConcurrencyExhaustedError);
    expect(calls).toBe(3);
  });

  test('old schema versions are upcast when read; newer ones are refused', async () => {
    await store.append('l', [{ id: ids.next(), type: 'Credited', schemaVersion: 1, data: { value: 7 }, metadata: {} }], 'no-stream');
    const r = await handleCommand(deps(), ledger, 'l', { kind: 'debit', amount: 2 });
    expect(r.state).toEqual({ balance: 5, references: ['legacy'] });
    await store.append('m', [{ id: ids.next(), type: 'Credited', schemaVersion: 3, data: {}, metadata: {} }], 'no-stream');
    await expect(handleCommand(deps(), ledger, 'm', { kind: 'debit', amount: 1 })).rejects.toThrow(/newer than this engine/);
  });

  test('an event that fails its schema is reported, not folded', async () => {
    await store.append('l', [{ id: ids.next(), type: 'Debited', schemaVersion: 1, data: { amount: 3 }, metadata: {} }], 'no-stream');
    await expect(handleCommand(deps(), ledger, 'l', { kind: 'debit', amount: 1 })).rejects.toThrow(/does not match its schema/);
  });

  test('a decider that produces an event its schema refuses appends nothing: the command fails with InvalidEventError', async () => {
    const sloppy: typeof ledger = {
      ...ledger,
      // an amount as a number: what a careless decider might write
      decide: (c) => (c.kind === 'credit' ? [{ type: 'Credited', data: { amount: c.amount, reference: c.reference } as never }] : []),
    };
    await expect(handleCommand(deps(), sloppy, 'l', { kind: 'credit', amount: 5, reference: 'r' })).rejects.toThrow(InvalidEventError);
    expect(await store.head()).toBe(0);
  });
});
