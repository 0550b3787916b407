import { definePlugin } from '../../../application/ports/plugin-api';
import { catalogueProjection } from '../../../projections/catalogue/projection';
import { catalogueRouter } from '../../http/routers/catalogue';

/**
 * Built in: the stream catalogue, registered the same way a third-party plugin would be. Stream
 * names carry customers' numbers: only operators with the viewer or admin role read it.
 */
export default definePlugin({
  name: 'catalogue',
  register(host) {
    host.addProjection(catalogueProjection);
    host.addRouter('/v1/catalogue', catalogueRouter, { roles: ['viewer', 'admin'] });
  },
});
