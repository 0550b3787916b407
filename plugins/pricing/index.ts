import { definePlugin } from '../plugin-api';
import { markupOptions, markupPolicy } from './markup';

/** Built in: the markup pricing policy, configured by `pluginOptions.pricing`. */
export default definePlugin({
  name: 'pricing',
  register(host) {
    const parsed = markupOptions.safeParse(host.options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`pricing options: ${issue.path.join('.') || '(root)'} ${issue.message}`);
    }
    host.addPricingPolicy(markupPolicy(parsed.data));
  },
});
