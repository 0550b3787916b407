/** Where `trunkline serve`'s projections run in a benchmark: on its event loop, in its worker thread, or in a `trunkline projector` process. */
export type Placement = 'in-process' | 'thread' | 'apart';

/** The TRUNKLINE_PROJECTIONS value of each placement (apart: serve leaves them to the projector). */
export const PROJECTIONS_SETTING: Readonly<Record<Placement, string>> = { 'in-process': 'run', thread: 'worker', apart: 'elsewhere' };
