import type { IngestResult } from './ingest-result';

/** Published inside the process once a batch is answered: for metrics and wake-ups, never for state. */
export class EventsRecordedEvent {
  constructor(
    readonly results: readonly IngestResult[],
    readonly appendMs: number,
  ) {}
}
