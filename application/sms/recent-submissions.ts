import type { MessageOwner } from './deps';

const RECENT_OWNERS = 100_000;

/** What this process submitted lately, so a receipt that comes back quickly finds its text. */
export function recentSubmissions() {
  /** Message ids this process submitted lately: receipts usually come back within seconds, before any projection. */
  const owners = new Map<string, MessageOwner>();
  /** Submissions being recorded: a receipt for one waits, or it would find the text not yet submitted. */
  const recording = new Map<string, Promise<unknown>>();
  return {
    remember(gatewayId: string, messageIds: readonly string[], owner: MessageOwner): void {
      for (const id of messageIds) {
        if (owners.size >= RECENT_OWNERS) owners.delete(owners.keys().next().value!);
        owners.set(`${gatewayId} ${id}`, owner);
      }
    },
    ownerOf: (gatewayId: string, messageId: string): MessageOwner | undefined => owners.get(`${gatewayId} ${messageId}`),
    /** Keeps `recorded` as the text's submission being recorded until it settles. */
    track<T>(smsId: string, recorded: Promise<T>): Promise<T> {
      recording.set(smsId, recorded);
      return recorded.finally(() => recording.delete(smsId));
    },
    recordingOf: (smsId: string): Promise<unknown> | undefined => recording.get(smsId),
  };
}

export type RecentSubmissions = ReturnType<typeof recentSubmissions>;
