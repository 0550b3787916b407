import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import type { CommandEngine } from '../runtime/engine';
import { amountLimits } from '../../core/amount-limits';
import { parseE164 } from '../../core/e164';
import { balanceOf, ledgerOf, type BalanceView, type LedgerLine } from '../../projections/balances/queries';
import type { Config } from '../runtime/config';
import type { OperatorClient } from './operator-client';
import { remote } from './operator-accounts-commands';
import { voucherService } from '../../application/vouchers/service';
import { batchCsv } from '../../application/vouchers/batch-csv';
import { listBatches } from '../../projections/vouchers/projection';
import { issueBody } from '../http/routers/voucher-issue-body';
import { csv } from '../../application/reports/csv';
import { table } from './table';

type Shown = { balance: BalanceView; ledger: readonly LedgerLine[] };

async function remoteAccount(client: OperatorClient, number: string, lines: number): Promise<Shown> {
  const at = `/v1/accounts/${encodeURIComponent(number)}`;
  const balance = await client.get<BalanceView>(`${at}/balance`);
  const ledger = lines > 0 ? (await client.get<{ items: LedgerLine[] }>(`${at}/transactions?limit=${lines}`)).items : [];
  return { balance, ledger };
}

function printAccount({ balance, ledger }: Shown, json: boolean | undefined): void {
  if (json) return out(JSON.stringify({ ...balance, ledger }, null, 2));
  const { grants, ...summary } = balance;
  out(table(Object.entries(summary).map(([field, value]) => ({ field, value: String(value) }))));
  if (grants.length) out(table(grants.map((g) => ({ ...g, restriction: g.restriction ? JSON.stringify(g.restriction) : '' }))));
  if (ledger.length)
    out(
      table(
        ledger.map((l) => ({
          position: l.position,
          at: l.recordedAt,
          type: l.type,
          amount: l.amount,
          balance: l.balance,
          reference: l.reference,
        })),
      ),
    );
}

type WithEngine = <T>(fn: (engine: CommandEngine) => Promise<T>) => Promise<T>;

const out = (text: string): void => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);

function instant(text: string, flag: string): string {
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms))
    throw new Error(`${flag} must be a date or instant such as 2027-06-30, not ${JSON.stringify(text)}`);
  return new Date(ms).toISOString();
}

export function addWalletCommands(program: Command, withEngine: WithEngine, config: () => Config): void {
  const accounts = program.command('accounts').description('accounts, balances and ledgers');
  accounts
    .command('show <number>')
    .description('an account: status, balance (paid, granted, available), live grants and the latest ledger lines')
    .option('--lines <n>', 'ledger lines to show', '20')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--json', 'same as --format json')
    .option('--api <url>', 'ask a running engine instead of reading the data directory (signed with the operator key)')
    .option('--key <pem>', 'the operator key for --api (default: operatorKeyFile)')
    .option('--operator <id>', 'the operator id for --api (default: the one whose key it is)')
    .action(async (input: string, o: { lines: string; format: string; json?: boolean; api?: string; key?: string; operator?: string }) => {
      const number = parseE164(input);
      const lines = Number(o.lines);
      if (!Number.isInteger(lines) || lines < 0 || lines > 1000) throw new Error('--lines must be 0 to 1000');
      const shown =
        o.api !== undefined || o.key !== undefined
          ? await remoteAccount(remote(config(), o), number, lines)
          : await withEngine(async (engine) => {
              await engine.runner.catchUp('balances');
              const balance = await balanceOf(engine.readModels, number, new Date());
              if (!balance) throw new Error(`no account is open for ${number}`);
              return { balance, ledger: lines > 0 ? (await ledgerOf(engine.readModels, number, { limit: lines })).items : [] };
            });
      printAccount(shown, o.json || o.format === 'json');
    });

  const vouchers = program.command('vouchers').description('single-use voucher codes');
  vouchers
    .command('issue')
    .description('mint a batch of codes and print them as CSV (the only time they exist in clear; only hashes are stored)')
    .requiredOption('--count <n>', 'how many codes (1 to 10000)')
    .requiredOption('--amount <decimal>', 'credit per code, e.g. 5 or 4.99')
    .requiredOption('--currency <code>', 'ISO 4217 currency of the accounts that may redeem them')
    .option('--expires <date>', 'last moment a code can be redeemed (default: one year from now)')
    .addOption(
      new Option('--funding <kind>', 'paid: prepaid cards sold for money; granted: a promotion')
        .choices(['paid', 'granted'])
        .default('paid'),
    )
    .option('--grant-valid-days <n>', 'granted vouchers: days the credit lasts after redemption')
    .option('--note <text>', 'what the batch is for', '')
    .option('--key <key>', 'idempotency key: issuing again with it is refused instead of minting a second batch')
    .option('--out <file>', 'write the CSV here instead of stdout')
    .action(
      async (o: {
        count: string;
        amount: string;
        currency: string;
        expires?: string;
        funding: string;
        grantValidDays?: string;
        note: string;
        key?: string;
        out?: string;
      }) => {
        const body = issueBody.parse({
          count: Number(o.count),
          amount: o.amount,
          currency: o.currency,
          expiresAt: o.expires ? instant(o.expires, '--expires') : new Date(Date.now() + 365 * 86_400_000).toISOString(),
          funding: o.funding,
          grantValidDays: o.grantValidDays === undefined ? null : Number(o.grantValidDays),
          note: o.note,
        });
        await withEngine(async (engine) => {
          const service = voucherService({
            store: engine.store,
            ids: engine.ids,
            clock: { now: () => new Date() },
            wallet: engine.wallet,
            amountLimits: amountLimits(engine.config.amountLimits),
          });
          const { batch, codes } = await service.issue({ ...body, issuedBy: 'cli', ...(o.key ? { idempotencyKey: o.key } : {}) });
          const text = batchCsv(batch, codes);
          if (o.out) {
            writeFileSync(o.out, text, { mode: 0o600 });
            process.stderr.write(
              `issued ${codes.length} codes of ${batch.amount} ${batch.currency} in batch ${batch.batchId} to ${o.out}\n`,
            );
          } else process.stdout.write(text);
        });
      },
    );
  vouchers
    .command('list')
    .description('batches: issued, redeemed, outstanding')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .action(async (o: { format: string }) => {
      await withEngine(async (engine) => {
        await engine.runner.catchUp('vouchers');
        const rows = (await listBatches(engine.readModels)).map((b) => ({ ...b, outstanding: b.issued - b.redeemed }));
        process.stdout.write(o.format === 'json' ? `${JSON.stringify(rows, null, 2)}\n` : o.format === 'csv' ? csv(rows) : table(rows));
      });
    });
}
