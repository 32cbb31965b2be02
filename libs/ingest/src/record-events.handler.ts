import { Inject } from '@nestjs/common';
import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, Clock } from '@cx/clock';
import type { EventOutcome } from '@cx/event-store';
import { validateCloudEvent, ValidEvent } from '@cx/events';
import { EventsRecordedEvent } from './events-recorded.event';
import type { IngestResult } from './ingest-result';
import { LEDGER, Ledger } from './ledger/ledger.port';
import { RecordEventsCommand, Sender } from './record-events.command';
import { RESTRICTED_TYPES } from './system-events';

interface Checked {
  index: number;
  valid: ValidEvent;
}

/**
 * The one path every event takes in, over HTTP or Kafka: validate, then record through the
 * ledger (resolve the customer, append, in one transaction). One bad event never fails its
 * neighbours; an append that fails fails the whole call, so nothing is answered `accepted`
 * that is not stored.
 */
@CommandHandler(RecordEventsCommand)
export class RecordEventsHandler implements ICommandHandler<RecordEventsCommand, IngestResult[]> {
  constructor(
    @Inject(LEDGER) private readonly ledger: Ledger,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly eventBus: EventBus,
  ) {}

  async execute({ events, sender }: RecordEventsCommand): Promise<IngestResult[]> {
    const started = performance.now();
    const results = new Array<IngestResult>(events.length);
    const checked = this.check(events, sender, results);
    if (checked.length > 0) {
      const outcomes = await this.ledger.record(checked.map(({ valid }) => valid));
      checked.forEach(({ index, valid }, i) => (results[index] = toResult(index, valid.event.id, outcomes[i])));
    }
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
}

function toResult(index: number, id: string, outcome: EventOutcome): IngestResult {
  if (outcome.status === 'id_conflict') {
    return {
      index,
      id,
      status: 'rejected',
      error: 'id_conflict',
      position: outcome.position,
      errors: [{ path: 'id', message: `an event with this source and id, but other content, is stored at position ${outcome.position}` }],
    };
  }
  return { index, id, status: outcome.status, position: outcome.position, customerId: outcome.customerId };
}

const idOf = (raw: unknown): string | null => {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : null;
};
