import { definePlugin } from '../../../application/ports/plugin-api';
import { catalogueProjection } from '../../../projections/catalogue/projection';

// the router, and express with it, loads when the HTTP app is built: a command never builds it
const routers = () => require('../../http/routers/catalogue') as typeof import('../../http/routers/catalogue');

/**
 * Built in: the stream catalogue, registered the same way a third-party plugin would be. Stream
 * names carry customers' numbers: only operators with the viewer or admin role read it.
 */
export default definePlugin({
  name: 'catalogue',
  register(host) {
    host.addProjection(catalogueProjection);
    host.addRouter('/v1/catalogue', (deps) => routers().catalogueRouter(deps), { roles: ['viewer', 'admin'] });
  },
});
