import { Get, Headers, Inject, Query, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiResource } from '@cx/access';
import { VIEW_STORE, ViewStore } from '@cx/projection';
import { JsonOrCsvAnswer } from '@cx/http';
import { CohortReportDto, LoyaltyReportDto } from '../answers';
import { sendReport } from '../report-response';
import { LoyaltyReportParams, reportWindow, SegmentReportParams } from '../params';
import { cohortReportBuilder, loyaltyReportBuilder } from './loyalty-report.builders';
import { ReadRoutes } from '../read-routes';

/** The loyalty report reads the lifecycle's stages (churn block) and customers besides its own facts. */
const READS = ['lifecycle', 'loyalty'];

@ApiResource('v1/reports', 'analyst', 'reports')
export class LoyaltyReportsController {
  constructor(
    @Inject(VIEW_STORE) private readonly views: ViewStore,
    private readonly reads: ReadRoutes,
  ) {}

  /** SPEC §2.2 over [from, to), optionally grouped; JSON, or CSV with `Accept: text/csv`. */
  @ApiOperation({ summary: 'Loyalty metrics over [from, to): NPS, CSAT, CES, purchases, referrals, churn, cases (SPEC §2.2)' })
  @JsonOrCsvAnswer(
    LoyaltyReportDto,
    'from, to, groupBy, group, block, metric, value: one row per group, block and metric (revenue per currency as `revenueMinor.EUR`)',
  )
  @Get('loyalty')
  async loyalty(@Res() reply: FastifyReply, @Query() params: LoyaltyReportParams, @Headers('accept') accept?: string) {
    const window = reportWindow(params);
    await this.reads.caughtUp(params, READS);
    const report = await loyaltyReportBuilder(this.views, { ...window, groupBy: params.groupBy }, this.reads.settings);
    return sendReport(reply, accept, report.json, report.csv);
  }

  /** SPEC §2.2 cohorts: monthly first-purchase cohorts shown from the month of `from`, months up to `to`; optionally of one segment. */
  @ApiOperation({ summary: 'First-purchase cohorts by UTC month, and the share of each buying in each later month up to to' })
  @JsonOrCsvAnswer(
    CohortReportDto,
    'from, to, cohort, cohortCustomers, month, offset, customers, percent: one row per cohort and later month',
  )
  @Get('cohorts')
  async cohorts(@Res() reply: FastifyReply, @Query() params: SegmentReportParams, @Headers('accept') accept?: string) {
    const window = reportWindow(params);
    await this.reads.caughtUp(params, READS);
    const report = await cohortReportBuilder(this.views, { ...window, segment: params.segment });
    return sendReport(reply, accept, report.json, report.csv);
  }
}
