import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { ZodError } from 'zod';
import { DomainError } from '../../core/decider';
import { PaymentProcessorError } from '../../core/payments/processor';
import { InvalidPhoneNumberError } from '../../core/e164';
import { UnratedDestinationError } from '../../core/rating/cost';
import { DurationError } from '../../core/rating/duration';
import { UnknownPlanError } from '../../application/rating/errors';
import { ProfileError } from '../../core/rating/profile';
import { StorageUnavailableError } from '../runtime/storage-fault';
import { InvalidEventError } from '../../core/events/codec';

/** Errors of input the caller can fix: kind, status, title. */
const KNOWN: readonly [new (...args: never[]) => Error, string, number, string][] = [
  [InvalidPhoneNumberError, 'invalid-number', 400, 'Bad Request'],
  [DurationError, 'invalid-duration', 400, 'Bad Request'],
  [UnknownPlanError, 'unknown-plan', 404, 'Not Found'],
  [ProfileError, 'profile-cannot-rate', 422, 'Unprocessable Content'],
  [UnratedDestinationError, 'unrated-destination', 422, 'Unprocessable Content'],
  // what the request asked for would have recorded an invalid event: nothing was recorded
  [InvalidEventError, 'invalid-event', 422, 'Unprocessable Content'],
];

const PROCESSOR_STATUS: Readonly<Record<PaymentProcessorError['kind'], readonly [number, string, string]>> = {
  unavailable: [502, 'Bad Gateway', 'payment-processor-unavailable'],
  'idempotency-conflict': [409, 'Conflict', 'idempotency-key-reused'],
  refused: [422, 'Unprocessable Content', 'payment-refused'],
};

/** Domain refusals that are not 422: a missing thing, a state that forbids, a race lost. */
const DOMAIN_STATUS: Readonly<Record<string, readonly [number, string]>> = {
  'no-account': [404, 'Not Found'],
  'no-payment-processor': [503, 'Service Unavailable'],
  'account-not-open': [403, 'Forbidden'],
  'caller-not-at-peer': [403, 'Forbidden'],
  'directory-unavailable': [503, 'Service Unavailable'],
  'account-closed': [403, 'Forbidden'],
  'unknown-voucher': [404, 'Not Found'],
  'voucher-redeemed': [409, 'Conflict'],
  'voucher-expired': [410, 'Gone'],
  'voucher-batch-exists': [409, 'Conflict'],
  'insufficient-credit': [402, 'Payment Required'],
  'in-debt': [402, 'Payment Required'],
  'blocked-destination': [403, 'Forbidden'],
  'unrated-destination': [404, 'Not Found'],
  'no-route': [404, 'Not Found'],
  'unknown-call': [404, 'Not Found'],
  'call-ended': [409, 'Conflict'],
  'call-id-taken': [409, 'Conflict'],
  'sms-rate-limited': [429, 'Too Many Requests'],
  'concurrent-call-limit': [403, 'Forbidden'],
  'call-cost-cap': [403, 'Forbidden'],
  'risky-destination': [403, 'Forbidden'],
  'fraud-review': [403, 'Forbidden'],
  'suspicions-changed': [409, 'Conflict'],
  'spend-cap-reached': [403, 'Forbidden'],
  'call-rate-limit': [429, 'Too Many Requests'],
  'idempotency-key-reused': [409, 'Conflict'],
  'rates-not-current': [503, 'Service Unavailable'],
  'no-payment-method': [409, 'Conflict'],
  'not-supported': [501, 'Not Implemented'],
};

/** RFC 9457 problem details; `type` is a URI under this one naming the error kind. */
export const PROBLEM_BASE = 'https://trunkline.dev/problems/';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly [extension: string]: unknown;
}

export class HttpProblem extends Error {
  constructor(
    readonly problem: Problem,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(problem.detail ?? problem.title);
  }
}

export function problem(
  kind: string,
  status: number,
  title: string,
  detail?: string,
  extensions: Record<string, unknown> = {},
): HttpProblem {
  return new HttpProblem({ type: `${PROBLEM_BASE}${kind}`, title, status, ...(detail ? { detail } : {}), ...extensions });
}

export function sendProblem(res: Response, p: Problem): void {
  res
    .status(p.status)
    .type('application/problem+json')
    .send(JSON.stringify({ ...p, instance: p.instance ?? res.req.originalUrl }));
}

export const notFound: RequestHandler = (req, res) => {
  sendProblem(res, problem('not-found', 404, 'Not Found', `no route for ${req.method} ${req.path}`).problem);
};

/** A problem document and the headers that go with it (Retry-After, WWW-Authenticate). */
export interface ProblemReply {
  readonly problem: Problem;
  readonly headers: Readonly<Record<string, string>>;
}

/** Maps any error to its problem document; `log` hears only the unexpected ones (500). */
export function problemFor(error: unknown, log: (error: unknown) => void): ProblemReply {
  const reply = (p: HttpProblem, headers: Record<string, string> = {}): ProblemReply => ({ problem: p.problem, headers });
  if (error instanceof HttpProblem) return { problem: error.problem, headers: error.headers };
  if (error instanceof ZodError) {
    const issue = error.issues[0]!;
    return reply(problem('invalid-request', 400, 'Bad Request', `${issue.path.join('.') || 'request'}: ${issue.message}`));
  }
  for (const [type, kind, status, title] of KNOWN) {
    if (error instanceof type) return reply(problem(kind, status, title, error.message));
  }
  if (error instanceof StorageUnavailableError) {
    // the driver's text names files and internals: it is logged where the fault was found
    return reply(problem('storage-unavailable', 503, 'Service Unavailable', 'the engine cannot store this now; retry shortly'), {
      'Retry-After': '1',
    });
  }
  if (error instanceof PaymentProcessorError) {
    const [status, title, kind] = PROCESSOR_STATUS[error.kind];
    return reply(problem(kind, status, title, error.message));
  }
  if (error instanceof DomainError) {
    const [status, title] = DOMAIN_STATUS[error.code] ?? [422, 'Unprocessable Content'];
    const retryAfter = error.details['retryAfterSeconds'];
    return reply(
      problem(error.code, status, title, error.message, { ...error.details }),
      (status === 429 || status === 503) && retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : {},
    );
  }
  const status = (error as { status?: number; type?: string }).status;
  if (status && status >= 400 && status < 500) {
    // body-parser errors: malformed JSON, too large, wrong charset
    return reply(problem('invalid-request', status, 'Bad Request', (error as Error).message));
  }
  log(error);
  return reply(problem('internal', 500, 'Internal Server Error', 'the request failed; it has been logged'));
}

/** Every error becomes a problem document; only unexpected ones are logged as errors. */
export function errorHandler(log: (error: unknown) => void): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const { problem: p, headers } = problemFor(error, log);
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    sendProblem(res, p);
  };
}
