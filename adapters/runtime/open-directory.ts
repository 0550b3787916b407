import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock';
import type { Directory } from '../../core/directory';
import { dnssecDirectory } from '../directory/dnssec';
import { staticDirectory } from '../directory/static';
import type { Config } from './config';

export function openDirectory(config: Config, clock: Clock, logger: Logger): Directory {
  if (config.directory === 'dnssec') {
    const [host, port] = [
      config.directoryResolver!.replace(/:\d+$/, '').replace(/^\[|\]$/g, ''),
      Number(config.directoryResolver!.split(':').pop()),
    ];
    return dnssecDirectory({ resolver: { host, port }, zone: config.directoryZone!, clock });
  }
  if (!existsSync(config.directoryFile))
    logger.info({ file: config.directoryFile }, 'static directory file missing: no number can open an account until it is written');
  logger.warn(
    { file: config.directoryFile },
    'STATIC DIRECTORY: keys come from a local file and are verified by nothing; use the dnssec directory in production',
  );
  return staticDirectory(config.directoryFile, clock, (message) => logger.error({ file: config.directoryFile }, message));
}
