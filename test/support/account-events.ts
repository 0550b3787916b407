import type { EventStore } from '../../core/event-store';

/**
 * The data of an account's events of `type`, waiting (bounded by `ms`) until `count` are there:
 * CDRs reach the engine after the BYE, so a test asks for what it expects and gets what came.
 */
export async function accountEvents(
  store: EventStore,
  number: string,
  type: string,
  count: number,
  ms = 10_000,
): Promise<Record<string, unknown>[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found: Record<string, unknown>[] = [];
    for await (const e of store.readStream(`account-${number}`)) if (e.type === type) found.push(e.data as Record<string, unknown>);
    if (found.length >= count || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
}
