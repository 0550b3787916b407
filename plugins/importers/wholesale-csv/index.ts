import { definePlugin } from '../../../application/ports/plugin-api';
import { BUILTIN_MAPPING, loadMapping } from './mapping';
import { parseWholesaleDeck } from './parse';

/** Built in: wholesale decks as CSV, with an optional column mapping file. */
export default definePlugin({
  name: 'wholesale-csv',
  register(host) {
    host.addDeckImporter({
      format: 'csv',
      parse: (file, options) =>
        parseWholesaleDeck(
          file,
          options.mappingFile ? loadMapping(options.mappingFile) : BUILTIN_MAPPING,
          options.carrierCurrency,
          options.onProgress,
        ),
    });
  },
});
