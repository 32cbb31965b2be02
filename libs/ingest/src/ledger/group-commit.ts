import type { EventOutcome } from '@cx/event-store';
import type { ValidEvent } from '@cx/events';
import type { Ledger } from './ledger.port';

interface Request {
  events: readonly ValidEvent[];
  resolve(outcomes: EventOutcome[]): void;
  reject(error: unknown): void;
}

/** A transaction takes queued requests up to this many events. */
const MAX_EVENTS_PER_COMMIT = 5000;

/**
 * Group commit: requests that arrive while a transaction is being written wait, and are
 * then written together in the next one, so a channel system posting one event at a time
 * pays one commit (one fsync on SQLite) per group, not per event. Each request is answered
 * only once the transaction holding its events has committed: accepted still means
 * durable. The outcomes are those of the requests recorded one after another, in arrival
 * order (a key sent twice is a duplicate of the first). When a group fails, each of its
 * requests is tried alone, so one request's failure never fails its neighbours.
 */
export class GroupCommit implements Ledger {
  private pending: Request[] = [];
  private draining = false;

  constructor(private readonly ledger: Ledger) {}

  record(events: readonly ValidEvent[]): Promise<EventOutcome[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ events, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    // Requests read from the network in the same turn join the first group.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) await this.commit(this.takeGroup());
    this.draining = false;
  }

  private takeGroup(): Request[] {
    let events = 0;
    let count = 0;
    while (count < this.pending.length && (count === 0 || events + this.pending[count].events.length <= MAX_EVENTS_PER_COMMIT)) {
      events += this.pending[count].events.length;
      count += 1;
    }
    return this.pending.splice(0, count);
  }

  private async commit(group: Request[]): Promise<void> {
    try {
      const outcomes = await this.ledger.record(group.length === 1 ? group[0].events : group.flatMap((request) => request.events));
      let offset = 0;
      for (const request of group) {
        request.resolve(outcomes.slice(offset, offset + request.events.length));
        offset += request.events.length;
      }
    } catch (error) {
      if (group.length === 1) group[0].reject(error);
      else for (const request of group) await this.commit([request]);
    }
  }
}
