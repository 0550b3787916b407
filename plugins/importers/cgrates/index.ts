import { definePlugin } from '../../../application/ports/plugin-api';
import { parseCgratesFolder } from './parse';

/** Built in: CGRateS tariff-plan folders, so providers can migrate as they are. */
export default definePlugin({
  name: 'cgrates',
  register(host) {
    host.addTariffImporter({ format: 'cgrates', parse: (folder, options) => parseCgratesFolder(folder, options.onProgress) });
  },
});
