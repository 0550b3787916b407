import { z } from 'zod';
import { DomainError, type Decider } from '../../core/decider';
import { eventCodec, type EventsOf } from '../../core/events/codec';
import { deriveId } from '../../core/ids';

/** A tiny prepaid ledger, only for testing the generic machinery. */
export const ledgerEvents = {
  Credited: {
    schemaVersion: 2,
    schema: z.object({ amount: z.string(), reference: z.string() }),
    // version 1 called the amount "value" and had no reference
    upcasters: { 1: (d: Record<string, unknown>) => ({ amount: String(d['value']), reference: 'legacy' }) },
  },
  Debited: { schemaVersion: 1, schema: z.object({ amount: z.string() }) },
} as const;

export const ledgerCodec = eventCodec(ledgerEvents);
export type LedgerEvent = EventsOf<typeof ledgerEvents>;
export type LedgerCommand = { kind: 'credit'; amount: number; reference: string } | { kind: 'debit'; amount: number };
export interface LedgerState {
  balance: number;
  references: string[];
}

export const ledger: Decider<LedgerCommand, LedgerEvent, LedgerState> = {
  initialState: { balance: 0, references: [] },
  decide(command, state) {
    switch (command.kind) {
      case 'credit':
        if (state.references.includes(command.reference)) return [];
        return [
          {
            type: 'Credited',
            id: deriveId('credit', command.reference),
            data: { amount: String(command.amount), reference: command.reference },
          },
        ];
      case 'debit':
        if (state.balance < command.amount) throw new DomainError('insufficient-credit', 'not enough credit', { balance: state.balance });
        return [{ type: 'Debited', data: { amount: String(command.amount) } }];
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'Credited':
        return { balance: state.balance + Number(event.data.amount), references: [...state.references, event.data.reference] };
      case 'Debited':
        return { ...state, balance: state.balance - Number(event.data.amount) };
    }
  },
};
