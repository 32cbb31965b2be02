import { isStoreUnavailable } from './store-unavailable';

describe('a store that is away', () => {
  const withProps = (message: string, props: Record<string, unknown> = {}) => Object.assign(new Error(message), props);

  it.each([
    ['PostgreSQL shut down by an admin or a restart', withProps('terminating connection due to administrator command', { code: '57P01' })],
    ['PostgreSQL starting up', withProps('the database system is starting up', { code: '57P03' })],
    ['PostgreSQL out of connections', withProps('sorry, too many clients already', { code: '53300' })],
    ['a connection failure (class 08)', withProps('connection failure', { code: '08006' })],
    ['a refused socket', withProps('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' })],
    ['a connection ended under a query', withProps('Connection terminated unexpectedly')],
    ['no pooled connection in time', withProps('timeout exceeded when trying to connect')],
    ['SQLite busy past its timeout', withProps('database is locked', { code: 'SQLITE_BUSY' })],
    ['EventStoreDB unavailable', withProps('14 UNAVAILABLE: No connection established', { type: 'unavailable' })],
  ])('is recognised: %s', (_, error) => expect(isStoreUnavailable(error)).toBe(true));

  it.each([
    ['a constraint violation', withProps('duplicate key value violates unique constraint', { code: '23505' })],
    ['a syntax error', withProps('syntax error at or near "x"', { code: '42601' })],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['EventStoreDB wrong expected version', withProps('Wrong expected version', { type: 'wrong-expected-version' })],
    ['not an error', 'Connection terminated'],
    ['nothing', null],
  ])('is not confused with %s', (_, error) => expect(isStoreUnavailable(error)).toBe(false));
});
