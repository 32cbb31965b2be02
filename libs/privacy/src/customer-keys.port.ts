/**
 * The keys that personal data is encrypted with, one per customer (SPEC §4.3). Kept in a
 * store that can really delete (never in an append-only log), and never logged.
 */
export interface CustomerKeys {
  /** The keys of these customers, made for those that have none yet. */
  ensure(customerIds: readonly string[]): Promise<Map<string, Buffer>>;
  /** The keys that exist; a forgotten customer's is absent. */
  find(customerIds: readonly string[]): Promise<Map<string, Buffer>>;
  /** Deletes the keys for good; answers how many were deleted. */
  destroy(customerIds: readonly string[]): Promise<number>;
}

export const CUSTOMER_KEYS = Symbol('CustomerKeys');
