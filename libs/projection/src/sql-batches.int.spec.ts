import { sql } from 'kysely';
import { describeWithPostgres } from '@cx/event-store/testing';
import { PostgresViewStore } from './view-store/postgres-view-store';
import { describeInsertAllContract } from './testing/insert-all.contract';

const SCHEMA = 'insert_all';

describeWithPostgres('sql batches', (database) => {
  describeInsertAllContract('PostgreSQL view store', async () => {
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
