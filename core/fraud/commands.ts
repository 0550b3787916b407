import type { z } from 'zod';
import type { evidenceSchema } from './events';

export type FraudCommand =
  | {
      readonly type: 'suspect-fraud';
      readonly data: {
        readonly rule: string;
        /** The account's count of reviews when the rule fired: a suspicion from before the latest review is stale. */
        readonly epoch: number;
        readonly summary: string;
        readonly evidence: z.infer<typeof evidenceSchema>;
        readonly at: string;
      };
    }
  | {
      readonly type: 'clear-fraud';
      readonly data: {
        readonly by: string;
        readonly note: string;
        readonly at: string;
        /** The suspicions the operator reviewed: refused if others are open now (raised since the review). */
        readonly suspicionIds?: readonly string[];
      };
    };
