import { scratchSqliteViews } from '../testing/projection-specification';
import { describeStageIntervalsContract } from '../testing/stage-intervals.contract';

describeStageIntervalsContract('SQLite view store', scratchSqliteViews);
