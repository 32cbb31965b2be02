import type { CustomerKeys } from './customer-keys.port';

/** How long a key stays in memory: another process's erasure reaches this one within it. */
const KEY_TTL_MS = 30_000;
const MAX_CACHED_KEYS = 100_000;

/**
 * Customer keys kept in memory for a short while on the way in, so a busy customer's
 * events do not look theirs up again and again. An erasure through this process drops
 * them at once; `find` (the way out) always asks the store, so an erased key never opens
 * anything.
 */
export class CachedCustomerKeys implements CustomerKeys {
  private readonly cache = new Map<string, { key: Buffer; until: number }>();

  constructor(
    private readonly keys: CustomerKeys,
    private readonly now: () => number = Date.now,
  ) {}

  async ensure(customerIds: readonly string[]): Promise<Map<string, Buffer>> {
    const now = this.now();
    const found = new Map<string, Buffer>();
    const missing: string[] = [];
    for (const id of customerIds) {
      const cached = this.cache.get(id);
      if (cached && cached.until > now) found.set(id, cached.key);
      else missing.push(id);
    }
    if (missing.length === 0) return found;
    if (this.cache.size + missing.length > MAX_CACHED_KEYS) this.cache.clear();
    for (const [id, key] of await this.keys.ensure(missing)) {
      found.set(id, key);
      this.cache.set(id, { key, until: now + KEY_TTL_MS });
    }
    return found;
  }

  find(customerIds: readonly string[]): Promise<Map<string, Buffer>> {
    return this.keys.find(customerIds);
  }

  async destroy(customerIds: readonly string[]): Promise<number> {
    for (const id of customerIds) this.cache.delete(id);
    return this.keys.destroy(customerIds);
  }
}
