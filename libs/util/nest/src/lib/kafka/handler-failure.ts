/** Node's (and undici's) codes for a connection that could not be made or was lost: one list for every service. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

/** Whether an error code says the network failed (the peer may be fine a moment later). */
export function isNetworkErrorCode(code: string): boolean {
  return NETWORK_CODES.has(code);
}

/**
 * PostgreSQL's SQLSTATEs that say the database (not the message) is the trouble: connection
 * exceptions (08), too many connections and other resource limits (53), shutdown (57P0x), and
 * serialization failures and deadlocks (40001, 40P01), which succeed when tried again.
 */
function isTransientSqlState(code: string): boolean {
  return (
    code.startsWith('08') || code.startsWith('53') || /^57P0[1-4]$/.test(code) || code === '40001' || code === '40P01'
  );
}

/** What pg says when a connection ends under a query, or none comes from the pool in time. */
const LOST_CONNECTION =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed/i;

/**
 * Whether a handler failed because a dependency is down (the database, the broker, the network),
 * not because of the message: then the consumer waits and tries again from its last commit, and
 * never dead-letters the message. Anything else that fails on every attempt is the message's own
 * (a poison message) and goes to the dead-letter topic, so the partition moves on.
 */
export function isDependencyFailure(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, name, message } = e as { code?: unknown; name?: unknown; message?: unknown };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || isTransientSqlState(code))) return true;
    if (typeof name === 'string' && name.startsWith('KafkaJS')) return true;
    if (typeof message === 'string' && LOST_CONNECTION.test(message)) return true;
    // TypeORM's QueryFailedError keeps pg's error as driverError; others chain by `cause`.
    const inner = e as { driverError?: unknown; cause?: unknown };
    e = inner.driverError ?? inner.cause;
  }
  return false;
}
