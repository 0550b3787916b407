import type { AppendResult, EventStore } from '../../core/event-store';
import { REJECTED_FACTS_STREAM, rejectedFactEvents, rejectedFactId, trimPayload, type RejectedFact } from '../../core/facts/rejected';

export interface RejectedFactInput {
  readonly source: string;
  readonly externalId: string;
  /** Besides source and external id, what makes this fact another one (a receipt's status word). */
  readonly key?: readonly string[];
  readonly reason: string;
  /** The fact as received (a webhook's body, a receipt as JSON): trimmed before it is kept. */
  readonly raw: string;
  readonly at: Date;
}

/** A rejected fact as listed: the event's data, where it sits in the log, when it was first recorded. */
export interface ListedRejectedFact extends RejectedFact {
  readonly id: string;
  readonly position: number;
  readonly recordedAt: string;
}

/** Records an outside fact refused as invalid, for review; the same fact again records nothing. */
export function recordRejectedFact(store: EventStore, fact: RejectedFactInput): Promise<AppendResult> {
  const data: RejectedFact = {
    source: fact.source,
    externalId: fact.externalId,
    reason: fact.reason,
    ...trimPayload(fact.raw),
    at: fact.at.toISOString(),
  };
  return store.append(
    REJECTED_FACTS_STREAM,
    [
      {
        id: rejectedFactId(fact.source, fact.externalId, ...(fact.key ?? [])),
        type: 'FactRejected',
        schemaVersion: rejectedFactEvents.FactRejected.schemaVersion,
        data: { ...data },
        metadata: { actor: fact.source },
      },
    ],
    'any',
  );
}

/** The rejected facts, oldest first (optionally of one source): read from their stream, no read model needed. */
export async function listRejectedFacts(store: EventStore, source?: string): Promise<ListedRejectedFact[]> {
  const out: ListedRejectedFact[] = [];
  for await (const e of store.readStream(REJECTED_FACTS_STREAM)) {
    if (e.type !== 'FactRejected') continue;
    const data = rejectedFactEvents.FactRejected.schema.parse(e.data);
    if (source === undefined || data.source === source) out.push({ ...data, id: e.id, position: e.position, recordedAt: e.recordedAt });
  }
  return out;
}
