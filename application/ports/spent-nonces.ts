/**
 * Nonces of signed requests and sign-in links already accepted, each kept until the time after
 * which its request would be refused on its age alone. Spending is one atomic step, so two
 * copies of a request racing on two nodes cannot both pass.
 */
export interface SpentNonces {
  /** Records `key` as spent until `expiresAtMs`; false when it is spent already (a replay). */
  spend(key: string, expiresAtMs: number, nowMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** The ledger cannot record a nonce (full, or its database failed): the request is refused, never let through unrecorded. */
export class SpentNoncesUnavailableError extends Error {
  override readonly name = 'SpentNoncesUnavailableError';
}
