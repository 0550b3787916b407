import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../adapters/runtime/engine';

/** A voice carrier with one loopback trunk and the deck `csv`, written into `dir`, in the engine's rates. */
export async function addDeckCarrier(engine: Engine, dir: string, carrierId: string, csv: string, port = 5098): Promise<void> {
  const file = join(dir, `${carrierId}.csv`);
  writeFileSync(file, csv);
  await engine.rating.registerCarrier({
    carrierId,
    name: carrierId,
    currency: 'EUR',
    preference: 2,
    trunks: [{ host: '127.0.0.1', port, transport: 'udp', techPrefix: '', channels: 0, username: '', password: '' }],
  });
  await engine.rating.importDeck({ carrierId, file });
  await engine.rating.sync();
}
