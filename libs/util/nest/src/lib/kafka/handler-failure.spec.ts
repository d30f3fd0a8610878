import { isDependencyFailure } from './handler-failure';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDependencyFailure: a handler failure is the database, the broker or the network, or the message itself', () => {
  it.each([
    ['the database refusing connections', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a connection reset', withCode('ECONNRESET')],
    ['pg: the server shutting down (57P01)', withCode('57P01', 'terminating connection due to administrator command')],
    ['pg: too many connections (53300)', withCode('53300')],
    ['pg: a connection exception (08006)', withCode('08006')],
    ['pg: a serialization failure (40001)', withCode('40001')],
    ['pg: a deadlock (40P01)', withCode('40P01')],
    ['pg: the connection ended under a query', new Error('Connection terminated unexpectedly')],
    ['pg pool: no connection in time', new Error('timeout exceeded when trying to connect')],
    [
      'TypeORM wrapping pg',
      Object.assign(new Error('query failed'), { name: 'QueryFailedError', driverError: withCode('57P03') }),
    ],
    ['kafkajs: the broker down', Object.assign(new Error('Connection error'), { name: 'KafkaJSConnectionError' })],
    [
      'kafkajs: retries exhausted, by cause',
      Object.assign(new Error('publish failed'), {
        cause: Object.assign(new Error('x'), { name: 'KafkaJSNumberOfRetriesExceeded' }),
      }),
    ],
  ])('a dependency: %s', (_, error) => {
    expect(isDependencyFailure(error)).toBe(true);
  });

  it.each([
    [
      'pg: a value out of range (22003)',
      Object.assign(new Error('query failed'), {
        name: 'QueryFailedError',
        driverError: withCode('22003', 'integer out of range'),
      }),
    ],
    ['pg: a unique violation (23505)', withCode('23505')],
    ['a bug in the handler', new TypeError("Cannot read properties of undefined (reading 'title')")],
    ['a rule refusing the change', new Error('an upsert of sfdc task 00T1 carries no fields')],
    ['not an Error at all', 'boom'],
  ])('the message: %s', (_, error) => {
    expect(isDependencyFailure(error)).toBe(false);
  });
});
