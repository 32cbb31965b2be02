import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { RequireRole } from '@cx/access';
import { ReadYourWrites } from '@cx/projection';
import { SETTINGS, Settings } from '@cx/settings';
import { afterPosition, closedLoopGroupBy, ClosedLoopReportParams, reportWindow } from '../params';
import { sendReport } from '../report-response';
import { closedLoopCsv, closedLoopJson } from './alert-json';
import { ALERT_READS } from './alert-queries';
import { ClosedLoopQueries } from './closed-loop-queries';

@Controller('v1/reports')
@RequireRole('analyst')
export class ClosedLoopController {
  constructor(
    private readonly reports: ClosedLoopQueries,
    private readonly readYourWrites: ReadYourWrites,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  /** SPEC §2.4: the closed-loop report over alerts raised in [from, to), as JSON or CSV. */
  @Get('closed-loop')
  async closedLoop(@Res() reply: FastifyReply, @Query() params: ClosedLoopReportParams, @Headers('accept') accept?: string) {
    const { from, to } = reportWindow(params);
    await this.readYourWrites.await(afterPosition(params), ALERT_READS);
    const followUpSlaMs = this.settings.alerts.followUpSlaMs;
    const report = await this.reports.report({ from, to, groupBy: closedLoopGroupBy(params), followUpSlaMs });
    return sendReport(reply, accept, closedLoopJson(report, followUpSlaMs), () => closedLoopCsv(report));
  }
}
