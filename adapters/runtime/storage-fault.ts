/**
 * What went wrong with a store, in the words readiness and metrics use: the disk is full, the
 * device failed a read or write, the file is damaged, or the database server cannot be reached.
 * Anything else (a conflict, a refusal, a bug) is the request's, not the storage's.
 */
export type StorageFault = 'full' | 'io' | 'corrupt' | 'unreachable';

/** better-sqlite3 errors carry SQLite's extended code (`SQLITE_IOERR_WRITE`); the primary one decides. */
const SQLITE: Readonly<Record<string, StorageFault>> = {
  SQLITE_FULL: 'full',
  SQLITE_IOERR: 'io',
  SQLITE_CORRUPT: 'corrupt',
  SQLITE_NOTADB: 'corrupt',
  SQLITE_CANTOPEN: 'unreachable',
  SQLITE_READONLY: 'io',
};

/** SQLSTATEs of PostgreSQL's server side: out of space, I/O, damaged data, going away. */
const POSTGRES: Readonly<Record<string, StorageFault>> = {
  '53100': 'full', // disk_full
  '58030': 'io', // io_error
  XX001: 'corrupt', // data_corrupted
  XX002: 'corrupt', // index_corrupted
  '57P01': 'unreachable', // admin_shutdown
  '57P02': 'unreachable', // crash_shutdown
  '57P03': 'unreachable', // cannot_connect_now
};

/** Socket errors of a client that lost its server. */
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** node-postgres reports a dropped or timed-out connection in its message only. */
const PG_CONNECTION_MESSAGE = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

function ownFault(error: { code?: unknown; message?: unknown }): StorageFault | null {
  const code = typeof error.code === 'string' ? error.code : '';
  if (code.startsWith('SQLITE_')) return SQLITE[code.replace(/^(SQLITE_[A-Z]+?)(_[A-Z_]+)?$/, '$1')] ?? null;
  if (code.startsWith('08')) return 'unreachable'; // connection_exception
  if (POSTGRES[code]) return POSTGRES[code];
  if (NETWORK.has(code)) return 'unreachable';
  return typeof error.message === 'string' && PG_CONNECTION_MESSAGE.test(error.message) ? 'unreachable' : null;
}

/** The storage fault behind `error` (looking through `cause`s), or null when it is none. */
export function storageFault(error: unknown): StorageFault | null {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const fault = ownFault(e as { code?: unknown; message?: unknown });
    if (fault) return fault;
  }
  return null;
}

/** A store failed for a storage fault: the request is answered 503, never with the driver's text. */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';
  constructor(
    readonly store: string,
    readonly fault: StorageFault,
    options: { cause: unknown },
  ) {
    super(`${store}: ${fault}`, options);
  }
}
