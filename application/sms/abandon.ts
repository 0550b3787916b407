import type { MessageOwner, SmsServiceDeps } from './deps';

export function smsAbandonment(deps: SmsServiceDeps) {
  return {
    /** Releases texts accepted but never submitted (a crash between the two), so their credit is not held forever. */
    async abandon(pending: readonly MessageOwner[]): Promise<number> {
      let n = 0;
      for (const p of pending)
        n += (
          await deps.wallet.execute(
            p.number,
            {
              type: 'fail-sms',
              data: {
                smsId: p.smsId,
                reason: 'abandoned: not submitted in time',
                attempts: [],
                at: deps.clock.now().toISOString(),
              },
            },
            'sms-sweep',
          )
        ).events.length;
      return n;
    },
  };
}
