import type { Command } from 'commander';
import { DASHBOARD_LINK_SECONDS, signDashboardLink } from '../http/dashboard/link-token';
import type { Config } from '../runtime/config';
import { engineBaseUrl, loadOperatorKey, operatorOf } from './operator-key';

/**
 * `trunkline finance dashboard-link --operator <id> --key <pem>`: prints a sign-in link to the
 * /finance dashboard, signed by the operator's Ed25519 key, good once and for a few minutes.
 */
export function addDashboardLinkCommand(program: Command, config: () => Config): void {
  const finance = program.commands.find((c) => c.name() === 'finance')!;
  finance
    .command('dashboard-link')
    .description('print a short-lived, single-use sign-in link to the /finance dashboard, signed by an operator key')
    .requiredOption('--operator <id>', "the operator's id (config operators, role finance or admin)")
    .requiredOption('--key <file>', "the operator's Ed25519 private key (PEM)")
    .option('--minutes <n>', `how long the link works (at most ${DASHBOARD_LINK_SECONDS / 60})`, '10')
    .option('--base-url <url>', 'where the engine is reached (default: publicBaseUrl, else http://host:port)')
    .action((o: { operator: string; key: string; minutes: string; baseUrl?: string }) => {
      const c = config();
      const minutes = Number(o.minutes);
      if (!Number.isInteger(minutes) || minutes < 1 || minutes * 60 > DASHBOARD_LINK_SECONDS)
        throw new Error(`--minutes must be 1 to ${DASHBOARD_LINK_SECONDS / 60}`);
      const privateKey = loadOperatorKey(o.key, '--key');
      const operator = operatorOf(c, privateKey, o.operator, `--key ${o.key}`);
      if (!operator.roles.some((r) => r === 'finance' || r === 'admin'))
        throw new Error(`operator ${o.operator} has neither the finance nor the admin role`);
      const base = engineBaseUrl(c, o.baseUrl);
      const token = signDashboardLink({
        operatorId: o.operator,
        privateKey,
        nowSeconds: Math.floor(Date.now() / 1000),
        ttlSeconds: minutes * 60,
      });
      process.stdout.write(`${base}/finance/login?token=${token}\n`);
    });
}
