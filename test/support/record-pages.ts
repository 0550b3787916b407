import { signedFetch, type Signer } from './signed-fetch';

/** A call or text record as the tests read it (either id, and any other field). */
export interface RecordItem {
  readonly callId: string;
  readonly smsId: string;
  readonly authorizedAt: string;
  readonly history: readonly { readonly status: string; readonly detail: string | null }[];
  readonly [field: string]: unknown;
}

/** A page of records, or (`status`) a single text's view. */
export interface RecordPage {
  readonly items: readonly RecordItem[];
  readonly next: string | null;
  readonly status?: string;
}

/** A signed GET whose answer is kept as text, and as a page when it is JSON. */
export function pageGetter(base: () => string) {
  return async (who: Signer, path: string, headers: Record<string, string> = {}) => {
    const res = await signedFetch(base(), who, 'GET', path, undefined, headers);
    const type = res.headers.get('content-type') ?? '';
    const text = await res.text();
    return {
      status: res.status,
      type,
      link: res.headers.get('link'),
      text,
      body: (type.includes('json') ? JSON.parse(text) : {}) as RecordPage,
    };
  };
}
