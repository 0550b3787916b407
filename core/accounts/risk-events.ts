import { z } from 'zod';
import { RISK_CLASSES } from '../rating/risk-classes';

/** An operator's opt-in of one account to destination risk classes (the rest stay blocked). */
export const riskEvents = {
  RiskClassesAllowed: {
    schemaVersion: 1,
    schema: z.object({ accountId: z.string(), classes: z.array(z.enum(RISK_CLASSES)) }),
  },
} as const;
