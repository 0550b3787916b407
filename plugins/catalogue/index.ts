import { definePlugin } from '../plugin-api';
import { catalogueProjection } from '../../projections/catalogue/projection';
import { catalogueRouter } from './router';

/** Built in: the stream catalogue, registered the same way a third-party plugin would be. */
export default definePlugin({
  name: 'catalogue',
  register(host) {
    host.addProjection(catalogueProjection);
    host.addRouter('/v1/catalogue', catalogueRouter);
  },
});
