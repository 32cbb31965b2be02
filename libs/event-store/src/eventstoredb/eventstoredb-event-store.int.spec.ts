import { systemClock } from '@cx/clock';
import { describeEventStoreContract } from '../testing/event-store.contract';
import { describeWithEventStoreDb } from '../testing/eventstoredb-server';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

describeWithEventStoreDb('EventStoreDB event store', (server) => {
  describeEventStoreContract('EventStoreDB', async () => {
    const store = EventStoreDbEventStore.connect(server.url, systemClock);
    return { store, dispose: () => store.close() };
  });
});
