import { createHash } from 'node:crypto';
import { riskClassOfPrefix, type RiskClass, type RiskPrefixes } from '../../core/rating/risk-classes';

type Marked<R> = R & { readonly riskClass: RiskClass | null };

const marked = new WeakMap<readonly object[], Marked<object>[]>();
const tags = new WeakMap<RiskPrefixes, string>();

/**
 * A sheet's rows with each prefix's destination risk class (core/rating/risk-classes.ts): what a
 * client shows before the call is refused 403 risky-destination. Marked once per sheet.
 */
export function withRiskMarks<R extends { readonly prefix: string }>(rows: readonly R[], prefixes: RiskPrefixes): readonly Marked<R>[] {
  let out = marked.get(rows) as Marked<R>[] | undefined;
  if (!out) {
    out = rows.map((r) => ({ ...r, riskClass: riskClassOfPrefix(r.prefix, prefixes) }));
    marked.set(rows, out);
  }
  return out;
}

/** The sheet's ETag with the risk lists folded in: a restart with other lists is another representation. */
export function markedEtag(etag: string, prefixes: RiskPrefixes): string {
  let tag = tags.get(prefixes);
  if (!tag) tags.set(prefixes, (tag = createHash('sha256').update(JSON.stringify(prefixes)).digest('base64url').slice(0, 8)));
  return etag.replace(/"$/, `-${tag}"`);
}
