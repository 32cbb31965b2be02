import { openPostgresPool } from '@cx/postgres';
import { systemClock } from '@cx/clock';
import { describeEventStoreContract } from '../testing/event-store.contract';
import { describeWithPostgres } from '../testing/postgres-server';
import { PostgresEventStore } from './postgres-event-store';

describeWithPostgres('PostgreSQL event store', (database) => {
  describeEventStoreContract('PostgreSQL', async () => {
    const pool = openPostgresPool(database.url, { max: 4 });
    const store = await PostgresEventStore.open(pool, systemClock, { schema: database.schema });
    return {
      store,
      dispose: async () => {
        await store.close();
        await pool.end();
      },
    };
  });
});
