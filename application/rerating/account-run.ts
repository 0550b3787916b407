import { handleCommand, readState } from '../../core/command-handler';
import { accountStream } from '../../core/accounts/account';
import { rerateDecider, type RerateCommand } from '../../core/rerating/decide';
import type { ChargedCall } from '../../core/rerating/charged-calls';
import { accountStreamCodec } from '../../core/wallet';
import type { RerateDeps } from './deps';
import type { CallRerated } from './report';

/**
 * Decides one account's corrections on its calls as read now and appends them at that version
 * (anything appended meanwhile makes it decide again on the new state); a dry run only decides.
 */
export async function runOnAccount(
  deps: RerateDeps,
  number: string,
  build: (calls: readonly ChargedCall[]) => RerateCommand,
  dryRun: boolean,
): Promise<CallRerated[]> {
  const handler = { store: deps.store, ids: deps.ids, codec: accountStreamCodec };
  const stream = accountStream(number);
  if (dryRun) {
    const { state } = await readState(handler, rerateDecider, stream);
    return rerateDecider.decide(build(Object.values(state.calls)), state) as CallRerated[];
  }
  // the prices are for the calls read here; a retry decides them again on the newer state
  const { state } = await readState(handler, rerateDecider, stream);
  const r = await handleCommand(handler, rerateDecider, stream, build(Object.values(state.calls)), { metadata: { actor: 'rerate' } });
  return r.events as CallRerated[];
}
