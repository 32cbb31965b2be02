import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EVENT_LOG, EventStore } from '@cx/event-store';
import { IDENTITY_WRITES, IdentityWrites } from '@cx/identity';
import { EventSealer } from '@cx/privacy';
import { EventsController } from './events.controller';
import { GroupCommit } from './ledger/group-commit';
import { LEDGER } from './ledger/ledger.port';
import { StoreLedger } from './ledger/store-ledger';
import { RecordEventsHandler } from './record-events.handler';

/**
 * The ingest command and its ledger, once per process whatever carries the events (HTTP,
 * Kafka): one handler registered, one group commit for every request. Records into the
 * store as stored (EVENT_LOG): the ledger seals personal fields itself.
 */
@Module({
  imports: [CqrsModule],
  providers: [
    RecordEventsHandler,
    {
      provide: LEDGER,
      inject: [EVENT_LOG, IDENTITY_WRITES, EventSealer],
      useFactory: (store: EventStore, identities: IdentityWrites, sealer: EventSealer) =>
        new GroupCommit(new StoreLedger(store, identities, sealer)),
    },
  ],
  exports: [LEDGER],
})
export class IngestCommandModule {}

/** The ingest role over HTTP: the command and its route. */
@Module({
  imports: [CqrsModule, IngestCommandModule],
  controllers: [EventsController],
})
export class IngestModule {}
