import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { openPostgresPool } from '@cx/postgres';
import { systemClock } from '@cx/clock';
import { AppendSignal } from '../append-signal';
import { appendToStream } from '../event-store.port';
import { waitFor } from '../testing/event-store.contract';
import { describeWithPostgres } from '../testing/postgres-server';
import { proposedEvent } from '../testing/proposed-event';
import { PostgresAppendListener } from './postgres-append-listener';
import { PostgresEventStore } from './postgres-event-store';

/** An AppendSignal that counts its wake-ups. */
class CountingSignal extends AppendSignal {
  wakeUps = 0;
  override notify(): void {
    this.wakeUps += 1;
    super.notify();
  }
}

describeWithPostgres('PostgreSQL append notifications', (database) => {
  let pool: Pool;
  let writer: PostgresEventStore;

  beforeAll(async () => {
    pool = openPostgresPool(database.url, { max: 3 });
    writer = await PostgresEventStore.open(pool, systemClock, { schema: database.schema });
  });
  afterAll(async () => {
    await writer.close();
    await pool.end();
  });

  const append = () => {
    const s = `c-${randomUUID()}`;
    return appendToStream(writer, { streamId: s, events: [proposedEvent({ customerId: s })] });
  };

  it('wakes another process on each committed append, and again after its connection is killed', async () => {
    const signal = new CountingSignal();
    const application_name = `cx-listener-${randomUUID().slice(0, 8)}`;
    const listener = new PostgresAppendListener(
      { connectionString: database.url, application_name },
      `${database.schema}_appended`,
      signal,
    );
    listener.start();
    try {
      await waitFor(() => signal.wakeUps >= 1);
      const before = signal.wakeUps;
      await append();
      await waitFor(() => signal.wakeUps > before);

      await pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [application_name]);
      const reconnected = signal.wakeUps + 1;
      await waitFor(() => signal.wakeUps >= reconnected);
      const afterReconnect = signal.wakeUps;
      await append();
      await waitFor(() => signal.wakeUps > afterReconnect);
    } finally {
      await listener.close();
    }
  });

  it('does not wake anyone for an append that rolls back', async () => {
    const signal = new CountingSignal();
    const listener = new PostgresAppendListener({ connectionString: database.url }, `${database.schema}_appended`, signal);
    listener.start();
    try {
      await waitFor(() => signal.wakeUps >= 1);
      const before = signal.wakeUps;
      const s = `c-${randomUUID()}`;
      await appendToStream(writer, { streamId: s, events: [proposedEvent({ customerId: s })] });
      await waitFor(() => signal.wakeUps > before);
      const settled = signal.wakeUps;
      const refused = await writer.append([{ streamId: s, expectedRevision: 'no_stream', events: [proposedEvent({ customerId: s })] }]);
      expect(refused[0].ok).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(signal.wakeUps).toBe(settled);
    } finally {
      await listener.close();
    }
  });
});
