import { describeAlertsProjectionContract } from '../testing/alerts-projection.contract';
import { scratchSqliteViews } from '../testing/projection-specification';

describeAlertsProjectionContract('SQLite view store', scratchSqliteViews);
