import { randomUUID } from 'node:crypto';
import { systemClock } from '@cx/clock';
import { loadSettings } from '@cx/settings';
import { openEventStorage } from '../event-store.module';
import { appendToStream } from '../event-store.port';
import { describeWithPostgres } from '../testing/postgres-server';
import { proposedEvent } from '../testing/proposed-event';
import { PostgresEventStore } from './postgres-event-store';

describeWithPostgres('CX_EVENT_STORE=postgres', (database) => {
  it('opens the event store and identity directory on CX_POSTGRES_URL, and closes its pool', async () => {
    const storage = await openEventStorage(loadSettings({ CX_EVENT_STORE: 'postgres', CX_POSTGRES_URL: database.url }), systemClock);
    try {
      expect(storage.events).toBeInstanceOf(PostgresEventStore);
      const s = `c-${randomUUID()}`;
      const written = await appendToStream(storage.events, { streamId: s, events: [proposedEvent({ customerId: s })] });
      expect(await storage.events.headPosition()).toBe(written.outcomes[0].position);
      await storage.identities.record({ links: [{ key: `email:${s}@x.io`, customerId: s }], merges: [], conflicts: [] });
      expect(await storage.identities.lookup([`email:${s}@x.io`])).toEqual(new Map([[`email:${s}@x.io`, s]]));
    } finally {
      await storage.close();
    }
    await expect(storage.events.ping()).rejects.toThrow();
  });
});
