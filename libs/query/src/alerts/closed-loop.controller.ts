import { Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiResource } from '@cx/access';
import { closedLoopGroupBy, ClosedLoopReportParams, reportWindow } from '../params';
import { sendReport } from '../report-response';
import { closedLoopCsv, closedLoopJson } from './alert-json';
import { ClosedLoopReportDto } from './alert.dto';
import { ALERT_READS } from './alert-queries';
import { ClosedLoopQueries } from './closed-loop-queries';
import { ReadRoutes } from '../read-routes';

@ApiResource('v1/reports', 'analyst', 'reports')
export class ClosedLoopController {
  constructor(
    private readonly reports: ClosedLoopQueries,
    private readonly reads: ReadRoutes,
  ) {}

  /** SPEC §2.4: the closed-loop report over alerts raised in [from, to), as JSON or CSV. */
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    type: ClosedLoopReportDto,
    description:
      'JSON; with `Accept: text/csv`, CSV: a `totals` row, then one row per group: scope, group, raised, followedUp, followedUpWithinSla, followedUpWithinSlaPercent, medianFollowUpMinutes, overdueNow, npsDetractors_<followedUp|notFollowedUp>_<alerts|answeredAgain|meanNpsChange|churned|churnedPercent>',
  })
  @ApiOperation({
    summary:
      'The closed loop over [from, to) by raisedAt: raised, followed up (within the SLA), overdue, and what became of detractors (SPEC §2.4)',
  })
  @Get('closed-loop')
  async closedLoop(@Res() reply: FastifyReply, @Query() params: ClosedLoopReportParams, @Headers('accept') accept?: string) {
    const { from, to } = reportWindow(params);
    await this.reads.caughtUp(params, ALERT_READS);
    const followUpSlaMs = this.reads.settings.alerts.followUpSlaMs;
    const report = await this.reports.report({ from, to, groupBy: closedLoopGroupBy(params), followUpSlaMs });
    return sendReport(reply, accept, closedLoopJson(report, followUpSlaMs), () => closedLoopCsv(report));
  }
}
