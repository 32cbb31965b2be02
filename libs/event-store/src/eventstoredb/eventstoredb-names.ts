import { createHash } from 'node:crypto';

/** CX Ledger's namespace for name-based (version 5) UUIDs; any fixed UUID would do, this one must never change. */
const CX_NAMESPACE = Buffer.from('6f1c2a7e4b3d5e8f9a0b1c2d3e4f5a6b', 'hex');

/** RFC 4122 §4.3 version 5: SHA-1 of namespace + name, with the version and variant bits set. */
export function uuidV5(name: string, namespace: Buffer = CX_NAMESPACE): string {
  const bytes = createHash('sha1').update(namespace).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const keyName = (source: string, id: string) => JSON.stringify([source, id]);

/** The EventStoreDB event id of (source, id): the same key always gives the same id, so the server's own idempotency applies to a retried append. */
export const eventIdOf = (source: string, id: string): string => uuidV5(keyName(source, id));

/** The stream that records who holds a (source, id): see `KeyLedger`. */
export const keyStreamOf = (source: string, id: string): string =>
  `cx-key-${createHash('sha256').update(keyName(source, id)).digest('hex')}`;

/** One stream per customer; `$ce-customer` is then the category of all of them. */
export const CUSTOMER_STREAM_PREFIX = 'customer-';
export const customerStreamOf = (streamId: string): string => `${CUSTOMER_STREAM_PREFIX}${streamId}`;
export const streamIdOf = (customerStream: string): string => customerStream.slice(CUSTOMER_STREAM_PREFIX.length);
