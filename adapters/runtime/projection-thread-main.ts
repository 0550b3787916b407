import { parentPort, workerData } from 'node:worker_threads';
import pino from 'pino';
import { serveCheckpoints } from '../event-store/checkpoint-loop';
import type { Config } from './config';
import type { Projector } from './engine-types';
import { openProjector } from './projector';
import type { FromProjectionThread, ProjectionThreadData, ToProjectionThread } from './projection-thread';
import { collectStartupGarbage } from './startup-garbage';
import { lowerThreadPriority } from './thread-priority';

/** Linux nice of the projection thread (the serving thread keeps the process's, usually 0). */
const PROJECTION_THREAD_NICE = 10;
const QUIETER: Readonly<Record<string, string>> = { info: 'warn' };

/**
 * Inside the projection thread (started by projection-thread.ts): a projector of its own on the
 * same stores (the log, the read models and the runner; no HTTP app, no services), whose runner
 * follows the log, as `trunkline projector` does in a process.
 */
async function main(port: NonNullable<typeof parentPort>): Promise<void> {
  const { config: given, logLevel, checkpoints: checkpointPort } = workerData as ProjectionThreadData;
  const config: Config = { ...given, projections: 'run' };
  const send = (message: FromProjectionThread) => port.postMessage(message);
  // a request waits for nothing this thread does: when both want a core, the serving thread gets it
  lowerThreadPriority(PROJECTION_THREAD_NICE);
  const engine: Projector = await openProjector(config, {
    // the serving thread's level (a silent one stays silent); what it logs at start (plugins, the directory) once is enough
    logger: pino({ level: QUIETER[logLevel] ?? logLevel, base: { service: 'trunkline', thread: 'projections' } }),
    // this thread checkpoints these same files every second for the serving thread (below); a
    // worker of its own would cost megabytes to do it twice, and when this thread's writes outrun
    // it, its own commits checkpoint here, off the serving thread all the same
    checkpointInBackground: false,
    // only new rates matter to the serving thread (its lookup); a message per batch would wake it for nothing
    onProjectionBatch: (projection, applied) => {
      if (projection === 'rates' && applied > 0) send({ type: 'rates-applied' });
    },
  });
  await engine.runner.start();
  collectStartupGarbage();
  // the serving thread's checkpoints run here, on a thread no request waits for
  const checkpoints = serveCheckpoints(checkpointPort);
  port.on('message', (message: ToProjectionThread) => {
    if (message.type === 'status') {
      engine.runner
        .status()
        .then((statuses) => send({ type: 'status', id: message.id, statuses }))
        .catch((err: unknown) => engine.logger.error({ err }, 'projection status failed'));
    } else {
      checkpoints.close();
      void engine.close().finally(() => port.close());
    }
  });
  send({ type: 'ready' });
}

if (parentPort) {
  const port = parentPort;
  main(port).catch((error: unknown) => {
    port.postMessage({ type: 'failed', message: (error as Error).message } satisfies FromProjectionThread);
    process.exit(1);
  });
}
