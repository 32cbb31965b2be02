import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EventsController } from './events.controller';
import { RecordEventsHandler } from './record-events.handler';

/** The ingest role: the record-events command and its HTTP route. */
@Module({
  imports: [CqrsModule],
  controllers: [EventsController],
  providers: [RecordEventsHandler],
})
export class IngestModule {}

/** The ingest command without its HTTP route, for other transports (Kafka). */
@Module({
  imports: [CqrsModule],
  providers: [RecordEventsHandler],
})
export class IngestCommandModule {}
