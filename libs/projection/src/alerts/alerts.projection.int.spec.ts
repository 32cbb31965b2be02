import { describeWithPostgres } from '@cx/event-store/testing';
import { scratchPostgresViews } from '../testing/projection-specification';
import { describeAlertsProjectionContract } from '../testing/alerts-projection.contract';

const SCHEMA = 'alerts_projection';

describeWithPostgres('alerts projection', (database) => {
  // The database is the suite's own; each test starts from an empty schema and drops it after.
  describeAlertsProjectionContract('PostgreSQL view store', () => scratchPostgresViews(database.url, SCHEMA));
});
