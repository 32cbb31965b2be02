import { describeWithPostgres } from '@cx/event-store/testing';
import { scratchPostgresViews } from './testing/projection-specification';
import { describeInsertAllContract } from './testing/insert-all.contract';

const SCHEMA = 'insert_all';

describeWithPostgres('sql batches', (database) => {
  describeInsertAllContract('PostgreSQL view store', () => scratchPostgresViews(database.url, SCHEMA));
});
