/** What routing needs of a SIP URI: its host (lower case), whether that is an IP literal, and an explicit port. */
export interface SipTarget {
  readonly host: string;
  readonly ipLiteral: boolean;
  readonly port: number | null;
}

const SIP_URI = /^sips?:(?:[^@;?]*@)?(\[[0-9a-f:.]+\]|[^:;?>\s]+)(?::(\d{1,5}))?(?:[;?].*)?$/i;

/** The target of `sip:`/`sips:` URI, or null when it is none. */
export function sipTarget(uri: string): SipTarget | null {
  const m = SIP_URI.exec(uri);
  if (!m) return null;
  const host = m[1]!.toLowerCase();
  return {
    host,
    ipLiteral: host.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host),
    port: m[2] === undefined ? null : Number(m[2]),
  };
}
