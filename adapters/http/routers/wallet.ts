import { Router, type Response } from 'express';
import { z } from 'zod';
import { acceptAmount, type AmountLimits } from '../../../core/amount-limits';
import { parseE164 } from '../../../core/e164';
import { restrictionSchema } from '../../../core/wallet';
import { balanceOf, ledgerOf } from '../../../projections/balances/queries';
import { listAccounts } from '../../../projections/balances/account-list';
import type { ReadModelStore } from '../../../application/ports/read-model-store';
import type { WalletService } from '../../../application/wallet/service';
import { problem } from '../problem';
import { callerOf, requireRole, requireSignature, type SignatureDeps } from '../signatures/middleware';

export interface WalletRouterDeps {
  readonly readModels: ReadModelStore;
  readonly wallet: WalletService;
  readonly signatures: SignatureDeps;
  readonly now: () => Date;
  /** Resolves once the balances projection has applied `position` (false: not within the wait). */
  readonly waitForBalances: (position: number) => Promise<boolean>;
  readonly amountLimits: AmountLimits;
}

const balanceQuery = z.object({ after: z.coerce.number().int().min(0).optional() }).strict();
const ledgerQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z
      .string()
      .regex(/^\d{1,16}$/, 'must be the nextCursor of a previous page')
      .optional(),
  })
  .strict();
const decimalString = z.string().regex(/^(0|[1-9]\d*)(\.\d+)?$/, 'must be a decimal string such as "5.00"');
const grantBody = z
  .object({
    grantId: z.string().min(1).max(200),
    amount: decimalString,
    currency: z.string().regex(/^[A-Z]{3}$/),
    expiresAt: z.iso.datetime({ offset: true }).nullable().default(null),
    restriction: restrictionSchema.nullable().default(null),
    reason: z.string().min(1).max(200).default('promotion'),
  })
  .strict();

const listQuery = z
  .object({
    status: z.enum(['open', 'suspended', 'closed']).optional(),
    q: z
      .string()
      .regex(/^(\+?\d{1,15}|[\w.:-]{1,100})$/, 'must be the digits a number starts with, or an account id')
      .transform((q) => q.replace(/^\+/, ''))
      .optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z
      .string()
      .regex(/^\+\d{1,15}$/, 'must be the next of a previous page')
      .optional(),
  })
  .strict();

const me = (res: Response): string => {
  const caller = callerOf(res);
  if (caller.kind !== 'number') throw problem('number-key-required', 403, 'Forbidden', 'this is a number’s own resource');
  return caller.keyid;
};

/** Balances, ledgers and grants; a number reads its own, operators with `admin` or `finance` any. */
export function walletRouter(deps: WalletRouterDeps): Router {
  const router = Router();
  const signed = requireSignature(deps.signatures);

  const balance = async (number: string, after: number | undefined) => {
    if (after !== undefined && !(await deps.waitForBalances(after)))
      throw problem('not-yet-projected', 503, 'Service Unavailable', `the balance has not reached position ${after} yet; retry`);
    const view = await balanceOf(deps.readModels, number, deps.now());
    if (!view) throw problem('no-account', 404, 'Not Found', `no account is open for ${number}`);
    return view;
  };
  const ledger = async (number: string, query: z.infer<typeof ledgerQuery>) => {
    const page = await ledgerOf(deps.readModels, number, {
      limit: query.limit,
      ...(query.cursor ? { before: Number(query.cursor) } : {}),
    });
    return { items: page.items, nextCursor: page.next === null ? null : String(page.next) };
  };

  router.get('/', ...signed, requireRole('admin', 'finance'), async (req, res) => {
    const q = listQuery.parse(req.query);
    res.setHeader('Cache-Control', 'no-store');
    res.json(
      await listAccounts(deps.readModels, {
        limit: q.limit,
        ...(q.status ? { status: q.status } : {}),
        ...(q.q !== undefined ? { search: q.q } : {}),
        ...(q.cursor ? { after: q.cursor } : {}),
      }),
    );
  });
  router.get('/me/balance', ...signed, async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await balance(me(res), balanceQuery.parse(req.query).after));
  });
  router.get('/me/transactions', ...signed, async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await ledger(me(res), ledgerQuery.parse(req.query)));
  });
  router.get('/:number/balance', ...signed, requireRole('admin', 'finance'), async (req, res) => {
    res.json(await balance(parseE164(String(req.params['number'])), balanceQuery.parse(req.query).after));
  });
  router.get('/:number/transactions', ...signed, requireRole('admin', 'finance'), async (req, res) => {
    res.json(await ledger(parseE164(String(req.params['number'])), ledgerQuery.parse(req.query)));
  });
  router.post('/:number/grants', ...signed, requireRole('admin'), async (req, res) => {
    const number = parseE164(String(req.params['number']));
    const body = grantBody.parse(req.body);
    acceptAmount(deps.amountLimits, body.amount, body.currency);
    const r = await deps.wallet.execute(
      number,
      { type: 'grant', data: { ...body, source: `operator:${callerOf(res).keyid}` } },
      callerOf(res).keyid,
    );
    res.status(r.events.length > 0 ? 201 : 200).json({ granted: r.events.length > 0, grantId: body.grantId, position: r.position });
  });
  return router;
}
