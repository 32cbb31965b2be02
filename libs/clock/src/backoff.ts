/** How long to wait between tries: `firstMs`, doubling with each step, never more than `maxMs`. */
export interface Backoff {
  firstMs: number;
  maxMs: number;
}

/** The wait before the next try after `step` doublings (0: the first wait). */
export const backoffMs = ({ firstMs, maxMs }: Backoff, step: number): number => Math.min(maxMs, firstMs * 2 ** Math.max(0, step));

/** A loop that follows the store or a broker, after a failed read or write: 0.1 s, doubling to 5 s. */
export const FOLLOWER_BACKOFF: Backoff = { firstMs: 100, maxMs: 5_000 };
