import type { Engine } from '../adapters/runtime/engine';
import { autoTopUpRunnerOf } from '../test/support/auto-top-up-runner';
import type { StripeBed } from '../test/beds/stripe-api';
import { signedFetch, type Signer } from '../test/support/signed-fetch';
import { walletDecider } from '../core/wallet';
import { versus } from './compare';
import { fmt } from './report';

const chargeOf = (id: string, amount: string) =>
  ({
    type: 'charge',
    data: {
      chargeId: id,
      chargeKind: 'call',
      reference: 'auto',
      destination: '+442079460000',
      amount,
      currency: 'EUR',
      at: new Date().toISOString(),
    },
  }) as const;

/**
 * Auto top-up's cost and rate: the charge decision and the wallet charge command on an account
 * with auto top-up on (above its threshold: the check only) against one without, alternated
 * rounds, medians, with the projections stopped; then
 * `accounts` triggers charged by the runner (off-session PaymentIntent → TopUpStarted).
 */
export async function autoTopUpRows(engine: Engine, base: string, bed: StripeBed, people: readonly Signer[]): Promise<string[]> {
  const enable = async (who: Signer, threshold: string) => {
    const r = await signedFetch(base, who, 'POST', '/v1/accounts/me/payment-methods/setup', {});
    const { setupId } = (await r.json()) as { setupId: string };
    const hook = bed.webhook('setup_intent.succeeded', bed.confirmSetup(setupId, 'pm_card_visa'));
    await (await fetch(`${base}/v1/webhooks/stripe`, { method: 'POST', headers: hook.headers, body: hook.body })).arrayBuffer();
    const put = await signedFetch(base, who, 'PUT', '/v1/accounts/me/auto-top-up', {
      threshold,
      amount: '20',
      monthlyCap: '100000',
      currency: 'EUR',
    });
    if (put.status !== 200) throw new Error(`auto top-up answered ${put.status}`);
  };
  const [on, off, ...rest] = people;
  await enable(on!, '0.01');
  // the in-process projections would otherwise catch up in bursts during some rounds and not others
  await engine.runner.catchUp('balances');
  await engine.runner.stop();
  // the decision alone, on the two accounts' states: what the trigger's check adds to every spend
  const states = { on: await engine.wallet.state(on!.keyid), off: await engine.wallet.state(off!.keyid) };
  const decide: Record<'on' | 'off', number[]> = { on: [], off: [] };
  for (let round = 0; round < 10; round++)
    for (const tag of round % 2 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
      const t = performance.now();
      for (let i = 0; i < 20_000; i++) walletDecider.decide(chargeOf(`d-${i}`, '0.0001'), states[tag]);
      decide[tag].push(((performance.now() - t) / 20_000) * 1000);
    }
  const per: Record<'on' | 'off', number[]> = { on: [], off: [] };
  for (let round = 0; round < 10; round++)
    for (const [tag, who] of (round % 2
      ? [
          ['off', off],
          ['on', on],
        ]
      : [
          ['on', on],
          ['off', off],
        ]) as ['on' | 'off', Signer][]) {
      const t = performance.now();
      for (let i = 0; i < 50; i++) await engine.wallet.execute(who.keyid, chargeOf(`auto-${tag}-${round}-${i}`, '0.0001'), 'bench');
      per[tag].push((performance.now() - t) / 50);
    }
  const rows = [
    `| wallet charge decision alone (decide, no I/O), auto top-up on (above the threshold) against off, medians of 10 alternated rounds of 20,000 | 200,000 each | ${versus(decide.on, decide.off, (n) => `${n.toFixed(2)} µs`)} |`,
    `| wallet charge command with the state cache, auto top-up on (above the threshold) against off, medians of 10 alternated rounds of 50 | 500 each | ${versus(per.on, per.off, (n) => `${n.toFixed(3)} ms`)} |`,
  ];
  // every account's next charge crosses its threshold: one trigger each, then the runner charges them
  const accounts = rest.slice(0, 100);
  for (const who of accounts) await enable(who, '100000');
  for (const who of accounts) await engine.wallet.execute(who.keyid, chargeOf(`cross-${who.keyid}`, '0.01'), 'bench');
  await engine.runner.start();
  await engine.runner.catchUp('auto-top-ups');
  const runner = autoTopUpRunnerOf(engine);
  const t = performance.now();
  let charged = 0;
  for (let round = 0; round < 100 && charged < accounts.length; round++) charged += await runner.runOnce();
  const ms = performance.now() - t;
  rows.push(
    `| auto top-ups charged by the runner: lease → stream check → off-session PaymentIntent → TopUpStarted, 20 in parallel | ${fmt(charged)} | ${fmt((charged / ms) * 1000)} /s | – | – |`,
  );
  return rows;
}
