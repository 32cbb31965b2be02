import { scratchSqliteViews } from '../testing/projection-specification';
import { describeFirstOrdersContract } from '../testing/first-orders.contract';

describeFirstOrdersContract('SQLite view store', scratchSqliteViews);
