import type { EventStore } from '@cx/event-store';
import type { LeafEvent } from './event-leaf';
import type { LeafSource } from './merkle-log.port';

/** Leaves from any event store's global order (EventStoreDB's, whose log is not a table to read narrowly). */
export class EventStoreLeaves implements LeafSource {
  constructor(private readonly events: EventStore) {}

  async leavesAfter(position: number, max: number): Promise<LeafEvent[]> {
    const events = await this.events.readAll({ after: position, maxCount: max });
    return events.map((event) => ({ position: event.position, hash: event.hash, contentHash: event.contentHash }));
  }
}
