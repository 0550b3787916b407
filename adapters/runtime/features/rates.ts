import { definePlugin } from '../../../application/ports/plugin-api';
import { ratesProjection } from '../../../projections/rates/projection';
import { ratesRouter } from '../../http/routers/rates';

/** Built in: the rates projection (carriers, decks, plans), quotes and the public retail sheet. */
export default definePlugin({
  name: 'rates',
  register(host) {
    host.addProjection(ratesProjection);
    host.addRouter('/v1', ratesRouter, 'public');
  },
});
