/**
 * A decider's state per stream at a known version, so a command reads only the events after it.
 * Safe across processes: events are immutable, so a state at version v stays right for v and
 * whatever another node appended since is read from the store on top of it. Least recently
 * used streams are dropped beyond `maxStreams`.
 */
export interface StateCache<S> {
  get(stream: string): { readonly state: S; readonly version: number } | undefined;
  set(stream: string, state: S, version: number): void;
}

export function stateCache<S>(maxStreams = 10_000): StateCache<S> {
  const entries = new Map<string, { state: S; version: number }>();
  return {
    get(stream) {
      const hit = entries.get(stream);
      if (hit) {
        // re-insert: Map keeps insertion order, so the first key is the least recently used
        entries.delete(stream);
        entries.set(stream, hit);
      }
      return hit;
    },
    set(stream, state, version) {
      const current = entries.get(stream);
      if (current && current.version > version) return;
      entries.delete(stream);
      entries.set(stream, { state, version });
      if (entries.size > maxStreams) entries.delete(entries.keys().next().value!);
    },
  };
}
