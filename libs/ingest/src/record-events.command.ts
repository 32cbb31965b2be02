import { Command } from '@nestjs/cqrs';
import type { IngestResult } from './ingest-result';

/** Who sent the events: decides which system-only types they may send. */
export interface Sender {
  roles: ReadonlySet<string>;
}

/** Record CloudEvents from a channel system, whatever the transport (HTTP, Kafka). */
export class RecordEventsCommand extends Command<IngestResult[]> {
  constructor(
    readonly events: readonly unknown[],
    readonly sender: Sender,
  ) {
    super();
  }
}
