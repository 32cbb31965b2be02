import { describeWithPostgres } from '@cx/event-store/testing';
import { scratchPostgresViews } from '../testing/projection-specification';
import { describeFirstOrdersContract } from '../testing/first-orders.contract';

describeWithPostgres('loyalty first orders', (database) => {
  describeFirstOrdersContract('PostgreSQL view store', () => scratchPostgresViews(database.url, 'loyalty_first_orders'));
});
