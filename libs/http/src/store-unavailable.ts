/**
 * Whether an error means a store is away (restarting, unreachable, out of connections)
 * rather than that the request was wrong or the code is: SPEC §4.1 answers those 503.
 * Recognised by shape, so this file knows no driver: PostgreSQL SQLSTATEs and pg's own
 * messages, socket error codes, SQLite's busy codes, EventStoreDB client error types.
 */
export function isStoreUnavailable(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { code, type, message } = error as { code?: unknown; type?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  if (typeof type === 'string' && EVENTSTOREDB_TYPES.has(type)) return true;
  return typeof message === 'string' && PG_MESSAGES.some((pattern) => pattern.test(message));
}

const UNAVAILABLE_CODES = new Set([
  // PostgreSQL: admin/crash shutdown, cannot connect now (starting or stopping), too many connections (class 08 above).
  '57P01',
  '57P02',
  '57P03',
  '53300',
  // Sockets.
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // SQLite: another process held the file past the busy timeout.
  'SQLITE_BUSY',
  'SQLITE_BUSY_SNAPSHOT',
  'SQLITE_BUSY_TIMEOUT',
  'SQLITE_LOCKED',
]);

const EVENTSTOREDB_TYPES = new Set(['unavailable', 'deadline-exceeded', 'timeout', 'not-leader', 'cancelled']);

/** pg raises these without a code when a connection ends or cannot be had in time. */
const PG_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Client has encountered a connection error and is not queryable/,
  /^Client was closed and is not queryable/,
  /^Cannot use a pool after calling end on the pool/,
];
