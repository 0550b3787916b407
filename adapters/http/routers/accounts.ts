import { Router } from 'express';
import { z } from 'zod';
import { parseE164 } from '../../../core/e164';
import { Decimal } from '../../../core/money';
import { RISK_CLASSES } from '../../../core/rating/risk-classes';
import { accountView, type AccountService } from '../../../application/accounts/service';
import { ephemeralCredential, type ShaAlgorithm } from '../../../core/accounts/ephemeral-credentials';
import { problem, sendProblem } from '../problem';
import { callerOf, requireRole, requireSignature, type SignatureDeps } from '../signatures/middleware';
import { keyFingerprint } from '../signatures/key-resolver';

const openBody = z.object({ currency: z.string().optional(), plan: z.string().min(1).optional() }).strict();
const changeBody = z.object({ reason: z.string().min(1).max(500).default('operator') }).strict();
const limit = z.number().int().min(1).max(100_000).nullable();
const limitsBody = z.object({ maxConcurrentCalls: limit, maxCallsPerMinute: limit }).strict();
const cap = z
  .string()
  .regex(/^(0|[1-9]\d{0,11})(\.\d{1,6})?$/, 'must be a decimal string such as "5.00" (at most 12 digits, 6 decimals), or null')
  .nullable();
const spendCapsBody = z.object({ perDay: cap, perMonth: cap }).strict();
const riskBody = z.object({ allow: z.array(z.enum(RISK_CLASSES)).max(RISK_CLASSES.length) }).strict();
const notificationsBody = z
  .object({
    lowBalanceThreshold: z
      .string()
      .regex(/^(0|[1-9]\d{0,14})(\.\d{1,12})?$/, 'must be a decimal string such as "2.50" (at most 15 digits, 12 decimals), or null')
      .nullable(),
  })
  .strict();

/** Accounts: a number opens its own with its directory key; operators with `admin` suspend, reinstate, close. */
export interface SipSettings {
  readonly secrets: readonly string[];
  readonly ttlSeconds: number;
  readonly hmac: ShaAlgorithm;
  readonly registrars: readonly string[];
  readonly turnSecret?: string;
  readonly turnUris: readonly string[];
  readonly turnTtlSeconds: number;
  readonly now: () => Date;
}

export function accountsRouter(deps: { accounts: AccountService; signatures: SignatureDeps; sipDomain: string; sip: SipSettings }): Router {
  const router = Router();
  const signed = requireSignature(deps.signatures);
  router.post('/', ...signed, async (req, res) => {
    const body = openBody.parse(req.body);
    const caller = callerOf(res);
    const { account, created, position } = await deps.accounts.open({ ...caller, keyFingerprint: keyFingerprint(caller.key) }, body);
    // the position lets the client read its own write: GET /me/balance?after=<position>
    res.status(created ? 201 : 200).json({ ...accountView(account, deps.sipDomain), position });
  });
  router.get('/me', ...signed, async (_req, res) => {
    const caller = callerOf(res);
    const account = caller.kind === 'number' ? await deps.accounts.get(caller.keyid) : null;
    if (!account || account.status === 'none')
      return sendProblem(res, problem('no-account', 404, 'Not Found', 'no account is open for this key').problem);
    res.json(accountView(account, deps.sipDomain));
  });
  router.post('/me/sip-credentials', ...signed, async (_req, res) => {
    const caller = callerOf(res);
    const account = caller.kind === 'number' ? await deps.accounts.get(caller.keyid) : null;
    if (!account || account.status === 'none')
      return sendProblem(res, problem('no-account', 404, 'Not Found', 'no account is open for this key').problem);
    if (account.status !== 'open')
      return sendProblem(res, problem('account-not-open', 403, 'Forbidden', `the account is ${account.status}`).problem);
    const secret = deps.sip.secrets[0];
    if (!secret)
      return sendProblem(
        res,
        problem('sip-not-configured', 503, 'Service Unavailable', 'this provider has no sipSecrets configured').problem,
      );
    const now = deps.sip.now();
    const sip = ephemeralCredential(secret, account.number, now, deps.sip.ttlSeconds, deps.sip.hmac);
    // coturn's use-auth-secret is HMAC-SHA1, whatever Kamailio uses
    const turn = deps.sip.turnSecret
      ? ephemeralCredential(deps.sip.turnSecret, account.number, now, deps.sip.turnTtlSeconds, 'sha1')
      : null;
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      sip: { ...sip, realm: deps.sipDomain, registrars: deps.sip.registrars, hmac: deps.sip.hmac },
      turn: turn ? { ...turn, uris: deps.sip.turnUris } : null,
    });
  });
  // the account's own balance.low threshold; null falls back to the provider's for its currency
  router.put('/me/notifications', ...signed, async (req, res) => {
    const caller = callerOf(res);
    if (caller.kind !== 'number') throw problem('number-key-required', 403, 'Forbidden', 'this is a number’s own setting');
    const { lowBalanceThreshold } = notificationsBody.parse(req.body);
    const account = await deps.accounts.change(
      caller.keyid,
      {
        type: 'set-low-balance-threshold',
        data: { threshold: lowBalanceThreshold === null ? null : new Decimal(lowBalanceThreshold).toFixed() },
      },
      caller.keyid,
    );
    res.json({ lowBalanceThreshold: account.lowBalanceThreshold });
  });
  // an operator's call limits for one account (null: the provider's default), on every node from this log position on
  router.put('/:number/limits', ...signed, requireRole('admin'), async (req, res) => {
    const number = parseE164(String(req.params['number']));
    const account = await deps.accounts.change(number, { type: 'set-call-limits', data: limitsBody.parse(req.body) }, callerOf(res).keyid);
    res.json(accountView(account, deps.sipDomain));
  });
  // what this account may be charged a day and a month, over the provider's spendCaps (null: the provider's)
  router.put('/:number/spend-caps', ...signed, requireRole('admin'), async (req, res) => {
    const number = parseE164(String(req.params['number']));
    const data = spendCapsBody.parse(req.body);
    const account = await deps.accounts.change(number, { type: 'set-spend-caps', data }, callerOf(res).keyid);
    res.json(accountView(account, deps.sipDomain));
  });
  // destination risk classes this account may call and text (the rest stay blocked); [] blocks them all again
  router.put('/:number/risk-classes', ...signed, requireRole('admin'), async (req, res) => {
    const number = parseE164(String(req.params['number']));
    const { allow } = riskBody.parse(req.body);
    const account = await deps.accounts.change(number, { type: 'allow-risk-classes', data: { classes: allow } }, callerOf(res).keyid);
    res.json(accountView(account, deps.sipDomain));
  });
  for (const kind of ['suspend', 'reinstate', 'close'] as const) {
    router.post(`/:number/${kind}`, ...signed, requireRole('admin'), async (req, res) => {
      const number = parseE164(String(req.params['number']));
      const { reason } = changeBody.parse(req.body);
      const account = await deps.accounts.change(
        number,
        kind === 'reinstate' ? { type: kind, data: {} } : { type: kind, data: { reason } },
        callerOf(res).keyid,
      );
      res.json(accountView(account, deps.sipDomain));
    });
  }
  return router;
}
