import { MessageChannel, Worker } from 'node:worker_threads';
import type { Restart } from '../../adapters/event-store/checkpoint-loop';
import { checkpointsServedBy } from '../../adapters/event-store/sqlite-checkpointer';

const LOOP = require.resolve('../../adapters/event-store/checkpoint-loop');

/**
 * A thread that serves this thread's SQLite checkpoints as the projection thread does (every
 * `everyMs`, restarting the WAL from `restartAtFrames`), and tells every restart it tries. This
 * thread's connections are handed to it before it returns.
 */
export async function checkpointThread(options: {
  readonly everyMs?: number;
  readonly restartAtFrames?: number;
}): Promise<{ thread: Worker; restarts: Restart[] }> {
  const channel = new MessageChannel();
  const thread = new Worker(
    `require(${JSON.stringify(require.resolve('tsx/cjs'))});
     const { workerData, parentPort } = require('node:worker_threads');
     require(${JSON.stringify(LOOP)}).serveCheckpoints(workerData.port, workerData.everyMs, {
       restartAtFrames: workerData.restartAtFrames,
       onRestart: (path, restart) => parentPort.postMessage(restart),
     });
     parentPort.postMessage('serving');`,
    { eval: true, workerData: { port: channel.port2, ...options }, transferList: [channel.port2] },
  );
  await new Promise((resolve) => thread.once('message', resolve));
  const restarts: Restart[] = [];
  thread.on('message', (r: Restart) => restarts.push(r));
  checkpointsServedBy(channel.port1);
  return { thread, restarts };
}
