import { setFlagsFromString } from 'node:v8';

/**
 * Lets every worker thread started after this call begin with V8's small young generation and
 * grow it under load, whatever this process was started with. `npm start` fixes the serving
 * thread's semi-spaces at 16 MiB for its latency, but V8 applies command-line flags to every
 * isolate of the process: a worker thread (the projection thread, the checkpoint worker) would
 * keep 2 × 16 MiB of semi-spaces resident once it had allocated that much, idle or not. An
 * isolate sizes its heap once, when it is created: the serving thread keeps its 16 MiB, and the
 * workers keep the same 16 MiB maximum (`--max-semi-space-size`).
 */
export function workersGrowTheirYoungGeneration(): void {
  // 0 is V8's "not set": a new isolate starts from its default (1 MiB)
  setFlagsFromString('--min-semi-space-size=0');
}
