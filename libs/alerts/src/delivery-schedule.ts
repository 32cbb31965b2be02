/** The first retry after a second, doubling up to ten minutes. */
const FIRST_RETRY_MS = 1_000;
const LONGEST_WAIT_MS = 10 * 60_000;
/** SPEC §2.4: retried for at least 24 hours; the last try comes after 24 h. */
export const RETRY_WINDOW_MS = 24 * 3_600_000;

/** How long to wait after the `attempts`-th failed attempt (exponential backoff, capped). */
export const retryDelayMs = (attempts: number): number => Math.min(LONGEST_WAIT_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));

/** A delivery that has failed for longer than the retry window is given up (`failed`); ops may redeliver it. */
export const givesUp = (firstAttemptAt: number, now: number): boolean => now - firstAttemptAt > RETRY_WINDOW_MS;
