import { Inject } from '@nestjs/common';
import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, Clock } from '@cx/clock';
import { canonicalHash, EVENT_STORE, EventOutcome, EventStore, ProposedEvent, StreamWrite } from '@cx/event-store';
import { validateCloudEvent, ValidEvent } from '@cx/events';
import { IDENTITY_DIRECTORY, IdentityDirectory, resolveBatch } from '@cx/identity';
import { EventsRecordedEvent } from './events-recorded.event';
import type { IngestResult } from './ingest-result';
import { RecordEventsCommand, Sender } from './record-events.command';
import { mergeEvent, RESTRICTED_TYPES } from './system-events';

interface Checked {
  index: number;
  valid: ValidEvent;
}

/**
 * The one path every event takes in, over HTTP or Kafka: validate, resolve the customer,
 * append. One bad event never fails its neighbours; an append that fails fails the whole
 * call, so nothing is answered `accepted` that is not stored.
 */
@CommandHandler(RecordEventsCommand)
export class RecordEventsHandler implements ICommandHandler<RecordEventsCommand, IngestResult[]> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IDENTITY_DIRECTORY) private readonly identities: IdentityDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly eventBus: EventBus,
  ) {}

  async execute({ events, sender }: RecordEventsCommand): Promise<IngestResult[]> {
    const started = performance.now();
    const results: IngestResult[] = new Array(events.length);
    const checked = this.check(events, sender, results);
    if (checked.length > 0) await this.record(checked, results);
    this.eventBus.publish(new EventsRecordedEvent(results, performance.now() - started));
    return results;
  }

  /** Validates every event; rejected ones get their result at once, the rest go on. */
  private check(events: readonly unknown[], sender: Sender, results: IngestResult[]): Checked[] {
    const now = this.clock.now();
    const checked: Checked[] = [];
    events.forEach((raw, index) => {
      const id = idOf(raw);
      const validation = validateCloudEvent(raw, now);
      if (!validation.ok) {
        results[index] = { index, id, status: 'rejected', error: validation.code, errors: validation.problems };
        return;
      }
      const restriction = RESTRICTED_TYPES[validation.event.type];
      if (restriction && !(restriction.role && sender.roles.has(restriction.role))) {
        results[index] = { index, id, status: 'rejected', error: 'invalid', errors: [{ path: 'type', message: restriction.message }] };
        return;
      }
      checked.push({ index, valid: validation });
    });
    return checked;
  }

  private async record(checked: Checked[], results: IngestResult[]): Promise<void> {
    const { resolutions, changes } = await resolveBatch(
      checked.map(({ valid }) => ({ ref: valid.event.data.customer, eventSource: valid.event.source, eventId: valid.event.id })),
      this.identities,
    );
    if (changes.links.length + changes.merges.length + changes.conflicts.length > 0) await this.identities.record(changes);
    const proposed = checked.map(({ valid }, i) => toProposedEvent(valid, resolutions[i].customerId));
    const merges = resolutions.flatMap((resolution, i) => resolution.merges.map((merge) => mergeEvent(merge, checked[i].valid.timeMs)));
    const outcomes = await this.append([...proposed, ...merges]);
    checked.forEach(({ index, valid }, i) => {
      results[index] = toResult(index, valid.event.id, outcomes[i]);
    });
  }

  /** Appends events of many customers at once, one write per customer stream, and gives the outcomes in input order. */
  private async append(events: ProposedEvent[]): Promise<EventOutcome[]> {
    const writes = new Map<string, StreamWrite & { inputIndexes: number[] }>();
    events.forEach((event, index) => {
      const write = writes.get(event.customerId) ?? { streamId: event.customerId, expectedRevision: 'any', events: [], inputIndexes: [] };
      write.events.push(event);
      write.inputIndexes.push(index);
      writes.set(event.customerId, write);
    });
    const ordered = [...writes.values()];
    const results = await this.store.append(ordered);
    const outcomes: EventOutcome[] = new Array(events.length);
    results.forEach((result, w) => {
      if (!result.ok) throw new Error(`append to ${ordered[w].streamId} failed: ${result.error}`);
      result.outcomes.forEach((outcome, e) => (outcomes[ordered[w].inputIndexes[e]] = outcome));
    });
    return outcomes;
  }
}

function toProposedEvent({ event, timeMs, canonical }: ValidEvent, customerId: string): ProposedEvent {
  const { data, ...attributes } = event;
  return {
    id: event.id, source: event.source, type: event.type, customerId, time: timeMs,
    attributes, data: data as unknown as Record<string, unknown>, contentHash: canonicalHash(canonical),
  };
}

function toResult(index: number, id: string, outcome: EventOutcome): IngestResult {
  if (outcome.status === 'id_conflict') {
    return {
      index, id, status: 'rejected', error: 'id_conflict', position: outcome.position,
      errors: [{ path: 'id', message: `an event with this source and id, but other content, is stored at position ${outcome.position}` }],
    };
  }
  return { index, id, status: outcome.status, position: outcome.position, customerId: outcome.customerId };
}

const idOf = (raw: unknown): string | null => {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : null;
};
