import { Command, Option } from 'commander';
import { createOutbox, listDeliveries, replay, type DeliveryStatus } from '../../projections/notifications/outbox';
import type { Projector } from '../runtime/engine';
import { table } from './table';

type WithProjector = <T>(fn: (engine: Projector) => Promise<T>) => Promise<T>;

const out = (text: string): void => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);

/** `trunkline webhooks list|replay`: the notification outbox and its dead-letter list. */
export function addWebhooksCommands(program: Command, withProjector: WithProjector): void {
  const webhooks = program.command('webhooks').description('notifications sent to the configured endpoints');
  webhooks
    .command('list')
    .description('the outbox, newest first: pending, delivered and dead notifications')
    .addOption(new Option('--status <status>', 'only these').choices(['pending', 'delivered', 'dead']))
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON (with each payload)')
    .action(async (o: { status?: DeliveryStatus; limit: string; json?: boolean }) => {
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw new Error('--limit must be a whole number from 1 to 100000');
      const rows = await withProjector(async (engine) => {
        await engine.readModels.migrate(createOutbox);
        return listDeliveries(engine.readModels, o.status, limit);
      });
      if (o.json) return out(JSON.stringify(rows, null, 2));
      out(
        table(
          rows.map((d) => ({
            id: d.id,
            endpoint: d.endpoint,
            type: d.type,
            status: d.status,
            attempts: d.attempts,
            next: d.status === 'pending' ? d.nextAttemptAt : '',
            error: d.lastError ?? '',
            created: d.createdAt,
          })),
        ),
      );
    });
  webhooks
    .command('replay [ids...]')
    .description('send notifications again (fresh attempts): these ids, or --dead for the whole dead-letter list')
    .option('--dead', 'every dead notification')
    .action(async (ids: string[], o: { dead?: boolean }) => {
      if (!o.dead && ids.length === 0) throw new Error('name the notifications to send again, or pass --dead');
      if (o.dead && ids.length > 0) throw new Error('either ids or --dead, not both');
      const n = await withProjector(async (engine) => {
        await engine.readModels.migrate(createOutbox);
        return replay(engine.readModels, o.dead ? { allDead: true } : { ids }, new Date());
      });
      out(`${n} notification${n === 1 ? '' : 's'} queued again; the serving engine sends ${n === 1 ? 'it' : 'them'} within seconds`);
    });
}
