import type { EventStore } from '../core/event-store';
import type { RecordedEvent } from '../core/events/envelope';
import type { Clock } from '../core/clock';
import { batches } from './batches';
import { readCheckpoint, writeCheckpoint, listCheckpoints, type Checkpoint } from './checkpoints';
import type { Projection } from '../application/ports/projection';
import type { ReadModelStore, SqlTx } from '../application/ports/read-model-store';
import { EventNotAppliedError, listStops, stillStopped, writeStop, type ProjectionStop } from './stops';

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly position: number;
  readonly head: number;
  /** Positions between the log's head and the checkpoint (events, on the SQL backends). */
  readonly lag: number;
  readonly running: boolean;
  /** Reached the head at least once since this runner started it. */
  readonly caughtUp: boolean;
  readonly lastError: string | null;
  readonly updatedAt: string | null;
  /** The event it cannot apply, when it stopped at one; null while it runs. */
  readonly stopped: ProjectionStop | null;
}

export interface Progress {
  readonly projection: string;
  readonly position: number;
  readonly target: number;
  readonly applied: number;
}

export interface ProjectionRunnerOptions {
  readonly store: EventStore;
  readonly readModels: ReadModelStore;
  readonly projections: readonly Projection[];
  readonly clock: Clock;
  readonly batchSize?: number;
  readonly onError?: (projection: string, error: unknown) => void;
  /** Told once when a projection stops at an event it cannot apply. */
  readonly onStop?: (projection: string, error: EventNotAppliedError) => void;
  /** How often a stopped projection looks whether it was rebuilt (or moved on elsewhere); default 2000 ms. */
  readonly stoppedPollMs?: number;
  /**
   * Told after each committed batch: the position the projection reached and how many of the
   * batch's events it applied (0 when none was of a type it handles: nothing it shows changed).
   */
  readonly onBatch?: (projection: string, position: number, applied: number) => void;
}

interface Live {
  running: boolean;
  caughtUp: boolean;
  lastError: string | null;
  stopped: ProjectionStop | null;
  stop: AbortController;
  done: Promise<void>;
}

export class UnknownProjectionError extends Error {
  override readonly name = 'UnknownProjectionError';
}

/**
 * How long a live batch waits for more events after its first: under load, each batch costs
 * every projection a transaction, so gathering a few milliseconds of events cuts that work
 * several times over; read-your-writes waits at most this much longer.
 */
const LIVE_LINGER_MS = 10;

/** Where a batch left a projection: its new position, and how many of the batch's events it applied. */
interface Reached {
  readonly position: number;
  readonly applied: number;
}

/** Feeds projections from the log and keeps their checkpoints with their writes. */
export function projectionRunner(options: ProjectionRunnerOptions) {
  const { store, readModels, clock } = options;
  const batchSize = options.batchSize ?? 1000;
  const live = new Map<string, Live>();
  // built once, not per projection and batch: 0.6 KB less allocated per authorization in process
  const handled = new Map(options.projections.filter((p) => p.handles).map((p) => [p, new Set(p.handles)] as const));

  const byName = (name: string): Projection => {
    const p = options.projections.find((x) => x.name === name);
    if (!p)
      throw new UnknownProjectionError(
        `no projection named ${JSON.stringify(name)} (known: ${options.projections.map((x) => x.name).join(', ')})`,
      );
    return p;
  };

  /** Creates tables and checkpoint; resets when the code's version differs from the stored one. */
  async function prepare(p: Projection, forceReset = false): Promise<Checkpoint> {
    return readModels.migrate(async (tx) => {
      await p.setup(tx);
      const current = await readCheckpoint(tx, readModels, p.name);
      if (current && current.version === p.version && !forceReset) return current;
      if (current) await p.reset(tx);
      const fresh = {
        name: p.name,
        version: p.version,
        generation: (current?.generation ?? 0) + 1,
        position: 0,
        updatedAt: clock.now().toISOString(),
      };
      await writeCheckpoint(tx, fresh);
      return fresh;
    });
  }

  /**
   * Applies a batch inside `tx` with the checkpoint. Events at or below the stored checkpoint
   * are skipped (another node or process applied them); a changed generation means the
   * projection was reset under us, and the caller must start again from the checkpoint.
   * Returns the position reached and the events applied; the caller tells `onBatch` once the
   * transaction commits.
   */
  async function applyInTx(p: Projection, generation: number, events: readonly RecordedEvent[], tx: SqlTx): Promise<Reached | 'restart'> {
    const handles = handled.get(p) ?? null;
    const cp = await readCheckpoint(tx, readModels, p.name);
    if (!cp || cp.generation !== generation || cp.version !== p.version) return 'restart';
    const fresh = events.filter((e) => e.position > cp.position);
    const wanted = handles ? fresh.filter((e) => handles.has(e.type)) : fresh;
    if (p.applyBatch) await p.applyBatch(wanted, tx);
    else for (const e of wanted) await p.apply(e, tx);
    const position = fresh.length > 0 ? fresh[fresh.length - 1]!.position : cp.position;
    if (position !== cp.position) await writeCheckpoint(tx, { ...cp, position, updatedAt: clock.now().toISOString() });
    return { position, applied: wanted.length };
  }

  /** Applies a batch in a transaction of its own. */
  async function applyBatch(p: Projection, generation: number, events: readonly RecordedEvent[]): Promise<'applied' | 'restart'> {
    const reached = await readModels.transaction((tx) => applyInTx(p, generation, events, tx));
    if (reached === 'restart') return 'restart';
    // after the commit: a listener in another thread or process reads what the batch wrote
    options.onBatch?.(p.name, reached.position, reached.applied);
    return 'applied';
  }

  /**
   * Applies one batch for several projections in a single transaction, each in a savepoint of
   * its own: a projection whose apply throws is rolled back alone (its outcome is the error)
   * and the others commit. One commit per live batch instead of one per projection: under
   * load most projections want none of a batch's events, and their transactions cost the
   * event loop more than the work itself.
   */
  async function applyTogether(
    members: readonly { readonly p: Projection; readonly generation: number }[],
    events: readonly RecordedEvent[],
  ): Promise<({ readonly ok: 'applied' | 'restart' } | { readonly error: unknown })[]> {
    const outcomes = await readModels.transaction(async (tx) => {
      const outcomes: ({ ok: Reached | 'restart' } | { error: unknown })[] = [];
      for (const [i, m] of members.entries()) {
        await tx.run(`SAVEPOINT member_${i}`);
        try {
          outcomes.push({ ok: await applyInTx(m.p, m.generation, events, tx) });
        } catch (error) {
          await tx.run(`ROLLBACK TO SAVEPOINT member_${i}`);
          outcomes.push({ error });
        }
        await tx.run(`RELEASE SAVEPOINT member_${i}`);
      }
      return outcomes;
    });
    return outcomes.map((o, i) => {
      if ('error' in o) return o;
      if (o.ok === 'restart') return { ok: 'restart' as const };
      options.onBatch?.(members[i]!.p.name, o.ok.position, o.ok.applied);
      return { ok: 'applied' as const };
    });
  }

  /**
   * After a batch failed: applies it again one event at a time, to name the event the
   * projection cannot apply. What comes before that event commits with the checkpoint, so the
   * projection stops just before it; null (and nothing committed) when each event applies alone
   * or the store itself failed: then the failure is not an event's, and the runner retries.
   */
  async function diagnose(p: Projection, generation: number, events: readonly RecordedEvent[]): Promise<EventNotAppliedError | null> {
    const handles = handled.get(p) ?? null;
    const rollback = new Error('each event applies alone');
    try {
      const found = await readModels.transaction(async (tx) => {
        const cp = await readCheckpoint(tx, readModels, p.name);
        if (!cp || cp.generation !== generation || cp.version !== p.version) throw rollback;
        let reached = cp.position;
        let applied = 0;
        for (const e of events) {
          if (e.position <= cp.position) continue;
          if (!handles || handles.has(e.type)) {
            await tx.run('SAVEPOINT one_event');
            try {
              if (p.applyBatch) await p.applyBatch([e], tx);
              else await p.apply(e, tx);
            } catch (error) {
              await tx.run('ROLLBACK TO SAVEPOINT one_event');
              await tx.run('RELEASE SAVEPOINT one_event');
              if (reached !== cp.position) await writeCheckpoint(tx, { ...cp, position: reached, updatedAt: clock.now().toISOString() });
              return {
                culprit: new EventNotAppliedError(p.name, e, error instanceof Error ? error.message : String(error)),
                reached,
                applied,
              };
            }
            await tx.run('RELEASE SAVEPOINT one_event');
            applied++;
          }
          reached = e.position;
        }
        throw rollback;
      });
      if (found.applied > 0) options.onBatch?.(p.name, found.reached, found.applied);
      return found.culprit;
    } catch {
      return null;
    }
  }

  /**
   * After a batch failed: the event of it the projection cannot apply, its stop recorded; null
   * when every event applies on its own (the fault was not an event's: retry with backoff).
   */
  async function stopAtCulprit(p: Projection, generation: number, batch: readonly RecordedEvent[]): Promise<ProjectionStop | null> {
    const culprit = await diagnose(p, generation, batch);
    return culprit ? recordStop(p, generation, culprit) : null;
  }

  /** Records the stop where every node and the CLI see it, and tells it once. */
  async function recordStop(p: Projection, generation: number, error: EventNotAppliedError): Promise<ProjectionStop> {
    const stop: ProjectionStop = {
      position: error.event.position,
      eventId: error.event.id,
      type: error.event.type,
      error: error.reason,
      generation,
      stoppedAt: clock.now().toISOString(),
    };
    await readModels.transaction((tx) => writeStop(tx, p.name, stop)).catch(() => undefined);
    options.onStop?.(p.name, error);
    return stop;
  }

  /**
   * A stopped projection applies nothing until its checkpoint changes under it: a rebuild
   * (another generation or version) or a runner elsewhere that applied the event. It looks
   * every `stoppedPollMs`, and never retries the event on its own.
   */
  async function waitWhileStopped(p: Projection, state: Live, stop: ProjectionStop): Promise<void> {
    state.stopped = stop;
    state.caughtUp = false;
    state.lastError = `stopped at event ${stop.position} (${stop.eventId}, ${stop.type}): ${stop.error}`;
    const signal = state.stop.signal;
    while (!signal.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, options.stoppedPollMs ?? 2000);
        signal.addEventListener('abort', done, { once: true });
        function done() {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        }
      });
      const cp = (await listCheckpoints(readModels).catch(() => [])).find((c) => c.name === p.name);
      if (cp && (cp.version !== p.version || !stillStopped(stop, cp))) break;
    }
    state.stopped = null;
    state.lastError = null;
  }

  /** Processes the log up to the head as it is now; returns the position reached. */
  async function catchUp(name: string, onProgress?: (p: Progress) => void): Promise<number> {
    const p = byName(name);
    for (let attempt = 0; attempt < 5; attempt++) {
      const cp = await prepare(p);
      const target = await store.head();
      let position = cp.position;
      let applied = 0;
      let restarted = false;
      onProgress?.({ projection: name, position, target, applied });
      // catch-up batches by count alone: the idle detection of `batches` is for live feeds
      let batch: RecordedEvent[] = [];
      const flush = async (): Promise<boolean> => {
        if (batch.length === 0) return true;
        let outcome: 'applied' | 'restart';
        try {
          outcome = await applyBatch(p, cp.generation, batch);
        } catch (error) {
          const stop = await stopAtCulprit(p, cp.generation, batch);
          if (!stop) throw error;
          throw new EventNotAppliedError(
            p.name,
            batch.find((e) => e.position === stop.position)!,
            stop.error,
          );
        }
        if (outcome === 'restart') return false;
        applied += batch.length;
        position = batch[batch.length - 1]!.position;
        batch = [];
        onProgress?.({ projection: name, position, target, applied });
        return true;
      };
      for await (const e of store.readAll(cp.position, batchSize)) {
        if (e.position > target) break;
        batch.push(e);
        if (batch.length >= batchSize && !(await flush())) {
          restarted = true;
          break;
        }
      }
      if (!restarted && !(await flush())) restarted = true;
      if (!restarted) return position;
    }
    throw new Error(`projection ${name} was reset repeatedly while catching up`);
  }

  async function follow(p: Projection, state: Live): Promise<void> {
    let backoff = 500;
    while (!state.stop.signal.aborted) {
      let stopped: ProjectionStop | null = null;
      try {
        const cp = await prepare(p);
        const target = await store.head();
        if (cp.position >= target) state.caughtUp = true;
        const sub = store.subscribe(cp.position);
        const stop = () => void sub.close();
        state.stop.signal.addEventListener('abort', stop, { once: true });
        if (state.stop.signal.aborted) stop(); // stopped while we were preparing
        try {
          for await (const batch of batches(sub, batchSize)) {
            let outcome: 'applied' | 'restart';
            try {
              outcome = await applyBatch(p, cp.generation, batch);
            } catch (error) {
              stopped = await stopAtCulprit(p, cp.generation, batch);
              if (!stopped) throw error;
              break;
            }
            if (outcome === 'restart') break;
            if (batch[batch.length - 1]!.position >= target) state.caughtUp = true;
            state.lastError = null;
            backoff = 500;
          }
        } finally {
          state.stop.signal.removeEventListener('abort', stop);
          await sub.close();
        }
        if (stopped) {
          await waitWhileStopped(p, state, stopped);
          backoff = 500;
        }
      } catch (error) {
        state.lastError = (error as Error).message;
        options.onError?.(p.name, error);
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 30_000);
      }
    }
  }

  /**
   * Follows the log once for many projections: each event is read and decoded once, then each
   * projection applies the batch in its own transaction with its own checkpoint. A projection
   * whose apply fails leaves the group and follows on its own (with backoff), so one broken
   * plugin never holds the others back.
   */
  async function followTogether(members: Projection[], states: ReadonlyMap<string, Live>, stop: AbortSignal): Promise<void> {
    let backoff = 500;
    while (!stop.aborted && members.length > 0) {
      try {
        await followOnce();
        backoff = 500;
      } catch (error) {
        // the log or the read-model store failed (not one projection): every member waits and retries
        for (const p of members) {
          states.get(p.name)!.lastError = (error as Error).message;
          options.onError?.(p.name, error);
        }
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 30_000);
      }
    }

    async function followOnce(): Promise<void> {
      const checkpoints = new Map<string, Checkpoint>();
      for (const p of members) checkpoints.set(p.name, await prepare(p));
      const target = await store.head();
      for (const p of members) if (checkpoints.get(p.name)!.position >= target) states.get(p.name)!.caughtUp = true;
      const sub = store.subscribe(Math.min(...[...checkpoints.values()].map((c) => c.position)));
      const close = () => void sub.close();
      stop.addEventListener('abort', close, { once: true });
      if (stop.aborted) close();
      let restart = false;
      try {
        for await (const batch of batches(sub, batchSize, LIVE_LINGER_MS)) {
          const last = batch[batch.length - 1]!.position;
          const due = members.filter((p) => last > checkpoints.get(p.name)!.position);
          const outcomes = await applyTogether(
            due.map((p) => ({ p, generation: checkpoints.get(p.name)!.generation })),
            batch,
          );
          for (const [i, p] of due.entries()) {
            const outcome = outcomes[i]!;
            const state = states.get(p.name)!;
            if ('error' in outcome) {
              state.lastError = (outcome.error as Error).message;
              members.splice(members.indexOf(p), 1);
              // on its own from here: stopped at the event it cannot apply, or retrying with backoff
              const generation = checkpoints.get(p.name)!.generation;
              state.done = (async () => {
                const stopped = await stopAtCulprit(p, generation, batch);
                if (stopped) await waitWhileStopped(p, state, stopped);
                else options.onError?.(p.name, outcome.error);
                await follow(p, state);
              })().finally(() => (state.running = false));
            } else if (outcome.ok === 'restart') restart = true;
            else {
              checkpoints.set(p.name, { ...checkpoints.get(p.name)!, position: last });
              if (last >= target) state.caughtUp = true;
              state.lastError = null;
            }
          }
          if (restart || members.length === 0) break;
        }
      } finally {
        stop.removeEventListener('abort', close);
        await sub.close();
      }
    }
  }

  return {
    names: () => options.projections.map((p) => p.name),
    catchUp,

    /** Empties the projection and replays the whole log into it. */
    async rebuild(name: string, onProgress?: (p: Progress) => void): Promise<number> {
      await prepare(byName(name), true);
      return catchUp(name, onProgress);
    },

    /** Creates every projection's tables (rebuilding those whose version changed), then follows the log live. */
    async start(): Promise<void> {
      for (const p of options.projections) await prepare(p);
      const members = options.projections.filter((p) => !live.get(p.name)?.running);
      if (members.length === 0) return;
      // one controller for the group; a projection that leaves it keeps it (stop aborts both)
      const stop = new AbortController();
      for (const p of members)
        live.set(p.name, { running: true, caughtUp: false, lastError: null, stopped: null, stop, done: Promise.resolve() });
      const group = followTogether([...members], live, stop.signal).finally(() => {
        for (const p of members) {
          const s = live.get(p.name)!;
          // still in the group (not following on its own): it stops with the group
          if (s.done === groupDone) s.running = false;
        }
      });
      const groupDone = group;
      for (const p of members) live.get(p.name)!.done = groupDone;
    },

    async stop(): Promise<void> {
      for (const s of live.values()) s.stop.abort();
      // a projection that left the group replaced its `done`: wait until nothing changes any more
      for (let i = 0; i < 3; i++) await Promise.all([...live.values()].map((s) => s.done));
      for (const s of live.values()) s.running = false;
    },

    async status(): Promise<ProjectionStatus[]> {
      const head = await store.head();
      const checkpoints = new Map((await listCheckpoints(readModels)).map((c) => [c.name, c]));
      const stops = await listStops(readModels);
      return options.projections.map((p) => {
        const cp = checkpoints.get(p.name);
        const l = live.get(p.name);
        const position = cp && cp.version === p.version ? cp.position : 0;
        // this runner's own stop, or one another runner recorded (a projector elsewhere, the CLI's rebuild)
        const stored = stops.get(p.name);
        const stopped = l?.stopped ?? (cp?.version === p.version && stillStopped(stored, cp) ? stored! : null);
        return {
          name: p.name,
          version: p.version,
          position,
          head,
          lag: Math.max(0, head - position),
          running: l?.running ?? false,
          caughtUp: stopped ? false : (l?.caughtUp ?? position >= head),
          lastError: stopped
            ? `stopped at event ${stopped.position} (${stopped.eventId}, ${stopped.type}): ${stopped.error}`
            : (l?.lastError ?? null),
          updatedAt: cp?.updatedAt ?? null,
          stopped: stopped ?? null,
        };
      });
    },
  };
}

export type ProjectionRunner = ReturnType<typeof projectionRunner>;
