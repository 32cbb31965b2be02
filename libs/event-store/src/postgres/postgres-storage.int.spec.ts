import { randomUUID } from 'node:crypto';
import { systemClock } from '@cx/clock';
import { openPostgresPool } from '@cx/postgres';
import { loadSettings } from '@cx/settings';
import { openEventStorage } from '../event-store.module';
import { appendToStream } from '../event-store.port';
import { describeWithPostgres } from '../testing/postgres-server';
import { proposedEvent } from '../testing/proposed-event';
import { PostgresEventStore } from './postgres-event-store';

describeWithPostgres('CX_EVENT_STORE=postgres', (database) => {
  it('opens the event store over the process pool, and leaves the pool open when it closes', async () => {
    const pool = openPostgresPool(database.url);
    try {
      const storage = await openEventStorage(
        loadSettings({ CX_EVENT_STORE: 'postgres', CX_POSTGRES_URL: database.url }),
        systemClock,
        pool,
      );
      expect(storage.events).toBeInstanceOf(PostgresEventStore);
      expect(storage.home).toEqual({ kind: 'postgres', pool });
      const s = `c-${randomUUID()}`;
      const written = await appendToStream(storage.events, { streamId: s, events: [proposedEvent({ customerId: s })] });
      expect(await storage.events.headPosition()).toBe(written.outcomes[0].position);
      await storage.close();
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });
});
