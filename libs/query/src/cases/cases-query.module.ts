import { Module } from '@nestjs/common';
import { CaseQueries } from './case-queries';
import { CasesController } from './cases.controller';
import { HandoffReportController } from './handoff-report.controller';
import { HandoffReportQueries } from './handoff-report-queries';
import { ReadRoutes } from '../read-routes';

/** SPEC §2.3 routes: `GET /v1/cases/:id` and `GET /v1/reports/handoffs`, over the cases projection. */
@Module({
  controllers: [CasesController, HandoffReportController],
  providers: [ReadRoutes, CaseQueries, HandoffReportQueries],
  exports: [CaseQueries, HandoffReportQueries],
})
export class CasesQueryModule {}
