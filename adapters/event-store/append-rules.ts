import { EventIdConflictError, WrongExpectedVersionError, type AppendResult, type ExpectedVersion } from '../../core/event-store';
import type { EventToAppend } from '../../core/events/envelope';
import { isUuid } from '../../core/ids';

/** Where an already-stored event id lives. */
export interface StoredId {
  readonly id: string;
  readonly stream: string;
  readonly version: number;
  readonly position: number;
}

/** Refuses a batch no backend should store: empty, bad ids, ids repeated inside it. */
export function validateBatch(stream: string, events: readonly EventToAppend[]): void {
  if (typeof stream !== 'string' || stream.length === 0 || stream.length > 512) {
    throw new TypeError('stream name must be 1 to 512 characters');
  }
  if (events.length === 0) throw new TypeError(`append to ${stream}: the batch is empty`);
  const seen = new Set<string>();
  for (const e of events) {
    if (!isUuid(e.id)) throw new TypeError(`append to ${stream}: event id ${JSON.stringify(e.id)} is not a lowercase UUID`);
    if (seen.has(e.id)) throw new EventIdConflictError(e.id, 'appears twice in one batch');
    if (typeof e.type !== 'string' || e.type.length === 0) throw new TypeError(`event ${e.id}: type is empty`);
    if (!Number.isInteger(e.schemaVersion) || e.schemaVersion < 1) {
      throw new TypeError(`event ${e.id}: schemaVersion must be a positive integer`);
    }
    seen.add(e.id);
  }
}

/**
 * The idempotency rule shared by every backend: all ids stored already in this stream → the
 * answer of the first append; none stored → append; anything else is a conflict.
 */
export function dedupOutcome(
  stream: string,
  events: readonly EventToAppend[],
  lookup: (id: string) => StoredId | undefined,
): AppendResult | null {
  const stored = events.map((e) => lookup(e.id));
  const found = stored.filter((s): s is StoredId => s !== undefined);
  if (found.length === 0) return null;
  for (const [i, s] of stored.entries()) {
    if (!s) throw new EventIdConflictError(events[i]!.id, 'this batch repeats some stored events and adds new ones');
    if (s.stream !== stream) throw new EventIdConflictError(s.id, `already stored in stream ${s.stream}, not ${stream}`);
  }
  const last = stored[stored.length - 1]!;
  return { nextVersion: last.version, position: last.position, deduplicated: true };
}

/** Throws unless the stream's current version (null: no stream) satisfies `expected`. */
export function checkExpected(stream: string, expected: ExpectedVersion, actual: number | null): void {
  const ok =
    expected === 'any' ||
    (expected === 'no-stream' && actual === null) ||
    (expected === 'exists' && actual !== null) ||
    (typeof expected === 'number' && actual === expected);
  if (!ok) throw new WrongExpectedVersionError(stream, expected, actual);
}

export function validateExpected(expected: ExpectedVersion): void {
  if (typeof expected === 'number' ? !Number.isInteger(expected) || expected < 0 : !['no-stream', 'exists', 'any'].includes(expected)) {
    throw new TypeError(`expected version must be 'no-stream', 'exists', 'any' or a version ≥ 0, not ${String(expected)}`);
  }
}
