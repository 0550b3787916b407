import { Router } from 'express';
import { z } from 'zod';
import { parseE164 } from '../../../core/e164';
import { accountView, type AccountService } from '../../accounts/service';
import { problem, sendProblem } from '../problem';
import { callerOf, requireRole, requireSignature, type SignatureDeps } from '../signatures/middleware';

const openBody = z.object({ currency: z.string().optional(), plan: z.string().min(1).optional() }).strict();
const changeBody = z.object({ reason: z.string().min(1).max(500).default('operator') }).strict();

/** Accounts: a number opens its own with its directory key; operators with `admin` suspend, reinstate, close. */
export function accountsRouter(deps: { accounts: AccountService; signatures: SignatureDeps; sipDomain: string }): Router {
  const router = Router();
  const signed = requireSignature(deps.signatures);
  router.post('/', ...signed, async (req, res) => {
    const body = openBody.parse(req.body);
    const { account, created } = await deps.accounts.open(callerOf(res), body);
    res.status(created ? 201 : 200).json(accountView(account, deps.sipDomain));
  });
  router.get('/me', ...signed, async (_req, res) => {
    const caller = callerOf(res);
    const account = caller.kind === 'number' ? await deps.accounts.get(caller.keyid) : null;
    if (!account || account.status === 'none')
      return sendProblem(res, problem('no-account', 404, 'Not Found', 'no account is open for this key').problem);
    res.json(accountView(account, deps.sipDomain));
  });
  for (const kind of ['suspend', 'reinstate', 'close'] as const) {
    router.post(`/:number/${kind}`, ...signed, requireRole('admin'), async (req, res) => {
      const number = parseE164(String(req.params['number']));
      const { reason } = changeBody.parse(req.body);
      const account = await deps.accounts.change(number, kind === 'reinstate' ? { kind } : { kind, reason }, callerOf(res).keyid);
      res.json(accountView(account, deps.sipDomain));
    });
  }
  return router;
}
