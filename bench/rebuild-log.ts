import type { RecordedEvent } from '../core/events/envelope';
import { deriveId } from '../core/ids';
import type { JsonObject, JsonValue } from '../core/json';
import { seeded } from '../test/support/random';
import { fundedCallers } from './funded-callers';

type Data = Record<string, JsonValue>;

const DESTINATIONS = Array.from({ length: 40 }, (_, i) => `+44207946${String(1000 + i * 7).padStart(4, '0')}`);
const PER_APPEND = 25; // calls per append: one account's burst of calls

/**
 * A log as a running engine writes it, for the rebuild bench: `accounts` accounts opened and
 * funded through the engine (the catalogue and rates too, from a carrier deck), then about
 * `events` more: calls as the SIP hooks record them (authorized, charged, carrier cost,
 * reservation released; one in ten fails), cloned from a real answered and a real failed call
 * with their ids, account, destination, duration and prices varied. Returns the data directory
 * (left in place) and the number of events in the log.
 */
export async function writeRebuildLog(
  accounts: number,
  events: number,
  onProgress: (written: number) => void,
): Promise<{ dir: string; events: number }> {
  const { bed, people } = await fundedCallers(accounts, { keepData: true });
  try {
    const { store } = bed.engine;
    const after = await store.head();
    const caller = people[0]!.keyid;
    const hook = async (path: 'authorize' | 'cdr', body: unknown) => {
      const r = await bed.hook(path, body);
      if (r.status !== 200) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    };
    await hook('authorize', { call_id: 'template-answered', caller, callee: DESTINATIONS[0] });
    await hook('cdr', { call_id: 'template-answered', caller, disposition: 'ANSWERED', answer_ts: 1_796_000_000, end_ts: 1_796_000_037.4 });
    await hook('authorize', { call_id: 'template-failed', caller, callee: DESTINATIONS[0] });
    await hook('cdr', { call_id: 'template-failed', caller, disposition: 'FAILED', end_ts: 1_796_000_004 });
    const templates: Record<'answered' | 'failed', RecordedEvent[]> = { answered: [], failed: [] };
    for await (const e of store.readAll(after)) {
      const callId = (e.data as { callId?: string }).callId;
      if (callId === 'template-answered') templates.answered.push(e);
      else if (callId === 'template-failed') templates.failed.push(e);
    }
    const accountIds = new Map<string, string>();
    for await (const e of store.readAll(0))
      if (e.type === 'AccountOpened') accountIds.set(e.stream, (e.data as { accountId: string }).accountId);

    const r = seeded(23);
    const month = Date.UTC(2026, 10, 1);
    let written = await store.head();
    for (let call = 0; written < events;) {
      const person = people[((call / PER_APPEND) % people.length) | 0]!;
      const stream = `account-${person.keyid}`;
      const accountId = accountIds.get(stream)!;
      const batch = [];
      for (let i = 0; i < PER_APPEND; i++, call++) {
        const failed = r.int(1, 10) === 1;
        const seconds = r.int(1, 900) + 0.4;
        const billed = Math.ceil(seconds / 60) * 60;
        const at = month + Math.floor((call / (events / 4)) * 28 * 86_400_000);
        const amount = ((billed * 0.015) / 60).toFixed(4).replace(/\.?0+$/, '');
        const cost = ((billed * 0.01) / 60).toFixed(4).replace(/\.?0+$/, '');
        const vary: Data = {
          accountId,
          callId: `call-${call}`,
          destination: DESTINATIONS[r.int(0, DESTINATIONS.length - 1)]!,
          seconds,
          billedSeconds: billed,
          amount,
          fromPaid: amount,
          cost,
          at: new Date(at).toISOString(),
          expiresAt: new Date(at + 3_720_000).toISOString(),
          answeredAt: new Date(at + 5000).toISOString(),
          endedAt: new Date(at + 5000 + seconds * 1000).toISOString(),
        };
        for (const t of failed ? templates.failed : templates.answered) {
          const data: Data = {};
          for (const [k, v] of Object.entries(t.data)) data[k] = k in vary && k !== 'amount' ? vary[k]! : v!;
          if (t.type === 'CallCharged') data['amount'] = amount;
          batch.push({
            id: deriveId('bench-rebuild', `${call}:${t.type}`),
            type: t.type,
            schemaVersion: t.schemaVersion,
            data: data as JsonObject,
            metadata: t.metadata,
          });
        }
      }
      await store.append(stream, batch, 'any');
      written += batch.length;
      onProgress(written);
    }
    return { dir: bed.dir, events: await store.head() };
  } finally {
    await bed.close();
  }
}
