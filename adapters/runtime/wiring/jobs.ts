import type { Logger } from 'pino';
import type { Clock } from '../../../core/clock';
import type { CallService } from '../../../application/calls/service';
import type { RouterDeps } from '../../../application/ports/plugin-api';
import type { ReadModelStore } from '../../../application/ports/read-model-store';
import type { SmsService } from '../../../application/sms/service';
import { accountsWithDueReservations } from '../../../projections/balances/queries';
import { staleAcceptedSms } from '../../../projections/sms/queries';
import { dropRecordsBefore, retentionCutoff } from '../../../projections/records/retention';
import type { Config } from '../config';
import { webhookDispatcher } from '../../webhooks/dispatcher';
import { enqueueExpiringGrants } from '../../../projections/notifications/expiring-grants';
import type { Extensions } from './plugins';
import { autoTopUpRunner } from '../../payments/auto-top-up-runner';
import { suspicionRaiser } from '../../fraud/suspicion-raiser';

export interface Job {
  readonly name: string;
  readonly everySeconds: number;
  readonly run: (deps: RouterDeps) => Promise<void>;
}

/** The periodic work of a serving engine: its own sweeps, then the plugins' jobs. */
export function servingJobs(deps: {
  readonly config: Config;
  readonly clock: Clock;
  readonly readModels: ReadModelStore;
  readonly calls: CallService;
  readonly sms: SmsService;
  readonly expireDueGrants: () => Promise<number>;
  readonly ext: Extensions;
  readonly logger: Logger;
  readonly onFraudSuspected?: (rule: string) => void;
}): Job[] {
  const { config, clock, readModels } = deps;
  return [
    { name: 'expire-grants', everySeconds: config.grantExpirySweepSeconds, run: () => deps.expireDueGrants().then(() => undefined) },
    {
      name: 'expire-reservations',
      everySeconds: 15,
      run: async () => void (await deps.calls.expireReservations(await accountsWithDueReservations(readModels, clock.now(), 500))),
    },
    {
      name: 'abandon-unsubmitted-sms',
      everySeconds: 30,
      run: async () =>
        void (await deps.sms.abandon(
          await staleAcceptedSms(readModels, new Date(clock.now().getTime() - config.smsAbandonSeconds * 1000), 500),
        )),
    },
    ...retentionJobs(config.recordsRetentionMonths, clock, readModels),
    ...webhookJobs(config, clock, readModels, deps.logger),
    ...autoTopUpJobs(config, deps.ext, clock, readModels, deps.logger),
    ...fraudJobs(deps.ext, readModels, deps.logger, clock, deps.onFraudSuspected),
    ...deps.ext.jobs,
  ];
}

/** Runs each job every `everySeconds`, one run of a job at a time; the returned function stops them all. */
export function scheduleJobs(jobs: readonly Job[], deps: RouterDeps, logger: Logger): () => void {
  const timers = jobs.map((job) => {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      job
        .run(deps)
        .catch((err: unknown) => logger.error({ err, job: job.name }, 'job failed'))
        .finally(() => (running = false));
    }, job.everySeconds * 1000);
    timer.unref();
    return timer;
  });
  return () => {
    for (const timer of timers) clearInterval(timer);
  };
}

/** With a retention set, an hourly sweep drops older call and text records from the read models. */
function retentionJobs(months: number | null, clock: Clock, readModels: ReadModelStore): Job[] {
  if (months === null) return [];
  return [
    {
      name: 'drop-old-records',
      everySeconds: 3600,
      run: async () => void (await dropRecordsBefore(readModels, retentionCutoff(clock.now(), months))),
    },
  ];
}

/** With endpoints configured, a delivery round every second, draining a backlog a batch at a time. */
function webhookJobs(config: Config, clock: Clock, readModels: ReadModelStore, logger: Logger): Job[] {
  if (config.webhooks.length === 0 && !config.clientWebhookSecret) return [];
  const dispatcher = webhookDispatcher({
    readModels,
    endpoints: config.webhooks,
    clients: config.clientWebhookSecret ? { secret: config.clientWebhookSecret, policy: config.clientWebhookTargets } : null,
    clock,
    logger,
    maxAttempts: config.webhookMaxAttempts,
    retryMaxSeconds: config.webhookRetryMaxSeconds,
  });
  return [
    {
      name: 'notify-expiring-grants',
      everySeconds: 60,
      run: async () =>
        void (await enqueueExpiringGrants(
          readModels,
          config.webhooks,
          clock.now(),
          config.grantExpiringNoticeHours,
          config.clientWebhookSecret !== undefined,
        )),
    },
    {
      name: 'deliver-webhooks',
      everySeconds: 1,
      run: async () => {
        // bounded: at most 20 batches a round, the rest next second
        for (let round = 0; round < 20 && (await dispatcher.runOnce()) === 50; round++);
      },
    },
  ];
}

/** With a processor that charges saved methods, a round every second charges the auto top-ups due. */
/** With velocity rules, what they find is recorded on the accounts' streams within seconds. */
function fraudJobs(ext: Extensions, readModels: ReadModelStore, logger: Logger, clock: Clock, onRaised?: (rule: string) => void): Job[] {
  if (ext.velocityRules.size === 0) return [];
  let raise: ReturnType<typeof suspicionRaiser> | null = null;
  return [
    {
      name: 'raise-fraud-suspicions',
      everySeconds: 2,
      run: async (d) => {
        raise ??= suspicionRaiser({ readModels, wallet: d.wallet, logger, now: () => clock.now(), ...(onRaised ? { onRaised } : {}) });
        for (let round = 0; round < 10 && (await raise()) === 100; round++);
      },
    },
  ];
}

function autoTopUpJobs(config: Config, ext: Extensions, clock: Clock, readModels: ReadModelStore, logger: Logger): Job[] {
  if (![...ext.processors.values()].some((p) => p.chargeSavedMethod)) return [];
  let runner: ReturnType<typeof autoTopUpRunner> | null = null;
  return [
    {
      name: 'charge-auto-top-ups',
      everySeconds: 1,
      run: async (d) => {
        runner ??= autoTopUpRunner({
          readModels,
          clock,
          logger,
          retryMaxSeconds: config.webhookRetryMaxSeconds,
          topUps: {
            processors: ext.processors,
            accounts: d.accounts,
            wallet: d.wallet,
            topUpMinimum: config.topUpMinimum,
            topUpMaximum: config.topUpMaximum,
            amountLimits: d.amountLimits,
          },
        });
        // bounded: at most 10 batches a round, the rest next second
        for (let round = 0; round < 10 && (await runner.runOnce()) === 20; round++);
      },
    },
  ];
}
