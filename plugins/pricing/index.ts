import { definePlugin } from '../../application/ports/plugin-api';
import { markupOptions, markupPolicy } from './markup';
import type { PricingPolicy } from './policy';

/** Built in: the markup pricing policy, configured by `pluginOptions.pricing`. */
export default definePlugin({
  name: 'pricing',
  register(host) {
    const configured = host.options;
    const build = (raw: unknown): PricingPolicy => {
      const parsed = markupOptions.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new Error(`pricing options: ${issue.path.join('.') || '(root)'} ${issue.message}`);
      }
      return { ...markupPolicy(parsed.data), withOptions: (live) => build({ ...configured, ...live }) };
    };
    host.addPricingPolicy(build(configured));
  },
});
