export {
  trunklineClient,
  TrunklineApiError,
  type TrunklineClient,
  type Account,
  type Credentials,
  type Quote,
  type ClientOptions,
} from './trunkline-client';
export { signRequest } from '../http/signatures/sign-request';
