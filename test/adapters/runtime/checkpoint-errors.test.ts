import { checkpointErrorReporter, SAY_AGAIN_MS } from '../../../adapters/runtime/checkpoint-errors';
import { countCheckpointErrors, createMetrics } from '../../../adapters/runtime/metrics';

const FILES = [
  { role: 'events', path: '/data/events.sqlite' },
  { role: 'read-models', path: '/data/read-models.sqlite' },
];

describe('the report of failed SQLite checkpoints', () => {
  function reporter() {
    const metrics = createMetrics();
    const logged: Record<string, unknown>[] = [];
    let now = 1_000_000;
    const report = checkpointErrorReporter({
      logger: { error: (fields: Record<string, unknown>) => logged.push(fields) } as never,
      files: FILES,
      count: countCheckpointErrors(metrics, FILES),
      now: () => now,
    });
    const counted = async () =>
      Object.fromEntries(
        (await metrics.registry.getSingleMetric('trunkline_sqlite_checkpoint_errors_total')!.get()).values.map((v) => [
          v.labels['file'],
          v.value,
        ]),
      );
    return { report, logged, counted, later: (ms: number) => (now += ms) };
  }

  it('counts every failure by file and logs the first, then once a minute with how many failed since', async () => {
    const { report, logged, counted, later } = reporter();
    // every file has a series before anything failed: the first failure is an increase
    expect(await counted()).toEqual({ events: 0, 'read-models': 0 });
    report('/data/events.sqlite', 'database or disk is full');
    for (let i = 0; i < 5; i++) {
      later(1000);
      report('/data/events.sqlite', 'database or disk is full');
    }
    expect(logged).toEqual([{ file: 'events', path: '/data/events.sqlite', error: 'database or disk is full' }]);
    later(SAY_AGAIN_MS);
    report('/data/events.sqlite', 'disk I/O error');
    expect(logged[1]).toEqual({ file: 'events', path: '/data/events.sqlite', error: 'disk I/O error', failedSinceLastSaid: 5 });
    expect(await counted()).toEqual({ events: 7, 'read-models': 0 });
  });

  it('gives each file its own minute, and leaves the files of another engine of the process alone', async () => {
    const { report, logged, counted } = reporter();
    report('/data/events.sqlite', 'disk I/O error');
    report('/data/read-models.sqlite', 'disk I/O error');
    report('/elsewhere/events.sqlite', 'disk I/O error');
    expect(logged.map((l) => l['file'])).toEqual(['events', 'read-models']);
    expect(await counted()).toEqual({ events: 1, 'read-models': 1 });
  });
});
