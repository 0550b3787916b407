import { EventStoreUnavailableError, WrongExpectedVersionError } from '../../../core/event-store';
import { SpentNoncesUnavailableError } from '../../../application/ports/spent-nonces';
import { storageFault } from '../../../adapters/runtime/storage-fault';

const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('storageFault', () => {
  test.each([
    ['SQLITE_FULL', 'full'],
    ['SQLITE_IOERR_WRITE', 'io'],
    ['SQLITE_IOERR', 'io'],
    ['SQLITE_CORRUPT', 'corrupt'],
    ['SQLITE_CORRUPT_INDEX', 'corrupt'],
    ['SQLITE_NOTADB', 'corrupt'],
    ['SQLITE_READONLY_DBMOVED', 'io'],
    ['53100', 'full'],
    ['58030', 'io'],
    ['XX001', 'corrupt'],
    ['08006', 'unreachable'],
    ['57P01', 'unreachable'],
    ['ECONNREFUSED', 'unreachable'],
  ])('%s is a storage fault: %s', (code, fault) => {
    expect(storageFault(coded(code))).toBe(fault);
  });

  test('looks through the errors a store wraps its driver’s in', () => {
    const full = coded('SQLITE_FULL');
    expect(storageFault(new SpentNoncesUnavailableError('cannot record the nonce', { cause: full }))).toBe('full');
    expect(storageFault(new EventStoreUnavailableError('sqlite', { cause: coded('ECONNRESET') }))).toBe('unreachable');
    expect(storageFault(new Error('Connection terminated unexpectedly'))).toBe('unreachable');
  });

  test('the request’s own failures are none', () => {
    expect(storageFault(new WrongExpectedVersionError('s', 1, 2))).toBeNull();
    expect(storageFault(coded('SQLITE_CONSTRAINT_UNIQUE'))).toBeNull();
    expect(storageFault(coded('SQLITE_BUSY'))).toBeNull();
    expect(storageFault(coded('23505'))).toBeNull();
    expect(storageFault(new SpentNoncesUnavailableError('1000 nonces are live'))).toBeNull();
    expect(storageFault('SQLITE_FULL')).toBeNull();
  });
});
