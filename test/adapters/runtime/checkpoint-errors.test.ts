import { checkpointErrorReporter, SAY_AGAIN_MS } from '../../../adapters/runtime/checkpoint-errors';
import { createMetrics } from '../../../adapters/runtime/metrics';

describe('the report of failed SQLite checkpoints', () => {
  function reporter() {
    const metrics = createMetrics();
    const logged: Record<string, unknown>[] = [];
    let now = 1_000_000;
    const report = checkpointErrorReporter({
      metrics,
      logger: { error: (fields: Record<string, unknown>) => logged.push(fields) } as never,
      files: [{ role: 'events', path: '/data/events.db' }],
      now: () => now,
    });
    const counted = async () => (await metrics.registry.getSingleMetric('trunkline_sqlite_checkpoint_errors_total')!.get()).values;
    return { report, logged, counted, later: (ms: number) => (now += ms) };
  }

  it('counts every failure by file and logs the first, then once a minute with how many failed since', async () => {
    const { report, logged, counted, later } = reporter();
    report('/data/events.db', 'database or disk is full');
    for (let i = 0; i < 5; i++) {
      later(1000);
      report('/data/events.db', 'database or disk is full');
    }
    expect(logged).toEqual([{ file: 'events', path: '/data/events.db', error: 'database or disk is full' }]);
    later(SAY_AGAIN_MS);
    report('/data/events.db', 'disk I/O error');
    expect(logged[1]).toEqual({ file: 'events', path: '/data/events.db', error: 'disk I/O error', failedSinceLastSaid: 5 });
    expect(await counted()).toEqual([{ value: 7, labels: { file: 'events' } }]);
  });

  it('names a file it was not told of by its name, and each file has its own minute', async () => {
    const { report, logged, counted } = reporter();
    report('/data/events.db', 'disk I/O error');
    report('/elsewhere/other.db', 'disk I/O error');
    expect(logged.map((l) => l['file'])).toEqual(['events', 'other.db']);
    expect((await counted()).map((v) => [v.labels['file'], v.value])).toEqual([
      ['events', 1],
      ['other.db', 1],
    ]);
  });
});
