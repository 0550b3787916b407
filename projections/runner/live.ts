import type { ProjectionStop } from '../stops';

/** What this runner knows of a projection it follows. */
export interface Live {
  running: boolean;
  caughtUp: boolean;
  lastError: string | null;
  stopped: ProjectionStop | null;
  stop: AbortController;
  done: Promise<void>;
}
