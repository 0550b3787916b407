import type { Server } from 'node:http';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock';
import type { Directory } from '../../core/directory';
import type { EventStore } from '../../core/event-store';
import type { IdGenerator } from '../../core/ids';
import type { PaymentProcessor } from '../../core/payments/processor';
import type { AccountService } from '../../application/accounts/service';
import type { CallService } from '../../application/calls/service';
import type { ReadModelStore } from '../../application/ports/read-model-store';
import type { RatingService } from '../../application/rating/service';
import type { SmsService } from '../../application/sms/service';
import type { WalletService } from '../../application/wallet/service';
import type { RatesLookup } from '../../projections/rates/lookup';
import type { ServingNodes } from '../../projections/rates/serving-nodes';
import type { ProjectionRunner } from '../../projections/runner';
import type { HttpApp } from '../http/app';
import type { Config } from './config';
import type { Metrics } from './metrics';

/** The log, the read models and the runner of every registered projection: what `trunkline projector` and the projection thread run. */
export interface Projector {
  readonly config: Config;
  readonly logger: Logger;
  readonly store: EventStore;
  readonly readModels: ReadModelStore;
  readonly runner: ProjectionRunner;
  readonly plugins: readonly string[];
  close(): Promise<void>;
}

/** The projector and the services a one-shot command calls: no HTTP app, no metrics, no SIP hooks. */
export interface CommandEngine extends Projector {
  readonly ids: IdGenerator;
  readonly rating: RatingService;
  readonly lookup: RatesLookup;
  readonly accounts: AccountService;
  readonly wallet: WalletService;
  readonly paymentProcessors: ReadonlyMap<string, PaymentProcessor>;
  /** Records the expiry of grants that are due (the server runs this every grantExpirySweepSeconds). */
  expireDueGrants(limit?: number): Promise<number>;
  /** Where serving engines confirm their rates revision; an operator's change waits on it. */
  servingNodes(): Promise<ServingNodes>;
}

/** The whole engine: the HTTP app, metrics, calls and texts, and `serve`. */
export interface Engine extends CommandEngine {
  readonly metrics: Metrics;
  readonly app: HttpApp;
  readonly calls: CallService;
  readonly sms: SmsService;
  readonly directory: Directory;
  /** Starts the projections, the jobs and the HTTP server; resolves once it listens. */
  serve(): Promise<Server>;
  /**
   * Follows the rates catalog as a serving engine does (`serve` starts it): for an embedder that
   * serves `app` on a server of its own. Idempotent.
   */
  followRates(): Promise<void>;
}

export interface EngineOptions {
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Told after each batch a projection commits, with the events it applied (the projection thread forwards the rates' ones). */
  readonly onProjectionBatch?: (projection: string, applied: number) => void;
  /** Given each SQLite connection the engine opens to its log (tests simulate a full disk on it). */
  readonly onSqliteOpen?: (role: 'events', db: Database.Database) => void;
  /** SQLite WAL checkpoints from a worker thread (default true; a one-shot command passes false). */
  readonly checkpointInBackground?: boolean;
}
