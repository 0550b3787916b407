import { definePlugin } from '../../../application/ports/plugin-api';
import { ratesProjection } from '../../../projections/rates/projection';

// the router, and express with it, loads when the HTTP app is built: a command never builds it
const routers = () => require('../../http/routers/rates') as typeof import('../../http/routers/rates');

/** Built in: the rates projection (carriers, decks, plans), quotes and the public retail sheet. */
export default definePlugin({
  name: 'rates',
  register(host) {
    host.addProjection(ratesProjection);
    host.addRouter('/v1', (deps) => routers().ratesRouter(deps), 'public');
  },
});
