/** How long one kind of Kafka error must go on before it is an error rather than a warning. */
export const PERSISTS_AFTER_MS = 30_000;

/**
 * kafkajs logs at error level what clears up by itself: a broker still starting refuses
 * connections, its group coordinator "is loading" or "not available" for a second, and the
 * client retries. Each kind of error (its text with the numbers taken out) is a warning
 * until it has gone on for PERSISTS_AFTER_MS without a pause that long; then it is an error,
 * until it stops.
 */
export class ErrorPersistence {
  private readonly seen = new Map<string, { since: number; last: number }>();

  constructor(
    private readonly persistsAfterMs = PERSISTS_AFTER_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether this error, seen now, has persisted. */
  persisted(text: string): boolean {
    const kind = text.replace(/\d+/g, '#');
    const now = this.now();
    const before = this.seen.get(kind);
    const since = before && now - before.last <= this.persistsAfterMs ? before.since : now;
    this.seen.set(kind, { since, last: now });
    return now - since >= this.persistsAfterMs;
  }
}
