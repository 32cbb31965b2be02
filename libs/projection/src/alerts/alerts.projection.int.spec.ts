import { sql } from 'kysely';
import { describeWithPostgres } from '@cx/event-store/testing';
import { PostgresViewStore } from '../view-store/postgres-view-store';
import { describeAlertsProjectionContract } from '../testing/alerts-projection.contract';

const SCHEMA = 'alerts_projection';

describeWithPostgres('alerts projection', (database) => {
  // The database is the suite's own; each test starts from an empty schema and drops it after.
  describeAlertsProjectionContract('PostgreSQL view store', async () => {
    const views = new PostgresViewStore(database.url, SCHEMA);
    await views.ensureSchema();
    return {
      views,
      dispose: async () => {
        await sql`DROP SCHEMA ${sql.id(SCHEMA)} CASCADE`.execute(views.reader);
        await views.close();
      },
    };
  });
});
