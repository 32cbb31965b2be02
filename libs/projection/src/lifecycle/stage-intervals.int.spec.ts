import { describeWithPostgres } from '@cx/event-store/testing';
import { scratchPostgresViews } from '../testing/projection-specification';
import { describeStageIntervalsContract } from '../testing/stage-intervals.contract';

describeWithPostgres('stage intervals', (database) => {
  describeStageIntervalsContract('PostgreSQL view store', () => scratchPostgresViews(database.url, 'stage_intervals'));
});
