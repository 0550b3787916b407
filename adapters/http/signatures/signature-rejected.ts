/** Why a request's signature was refused; each becomes its own 401 problem type. */
export type SignatureFailure =
  | 'missing-signature'
  | 'malformed-signature'
  | 'missing-component'
  | 'unknown-key'
  | 'bad-signature'
  | 'expired'
  | 'replayed'
  | 'digest-mismatch';

export class SignatureRejected extends Error {
  override readonly name = 'SignatureRejected';
  constructor(
    readonly reason: SignatureFailure,
    detail: string,
  ) {
    super(detail);
  }
}
