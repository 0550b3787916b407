export {
  trunklineClient,
  TrunklineApiError,
  type TrunklineClient,
  type Account,
  type Credentials,
  type Quote,
  type TopUp,
  type ClientOptions,
  type BalanceView,
  type LedgerLine,
  type Redemption,
  type CallRecord,
  type OperatorCallRecord,
  type TextRecord,
  type AccountSummary,
  type Page,
  type RecordQuery,
  type SmsSent,
  type TextStatusView,
} from './trunkline-client';
export { privateKeyFrom, rawPublicKeyOf, type PrivateKeyInput } from './keys';
export { signRequest } from '../http/signatures/sign-request';
