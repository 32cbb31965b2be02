import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { RequireRole } from '@cx/access';
import { ReadYourWrites } from '@cx/projection';
import { SETTINGS, Settings } from '@cx/settings';
import { reportWindow } from '../cases/time-params';
import { sendReport } from '../report-response';
import { closedLoopCsv, closedLoopJson } from './alert-json';
import { closedLoopGroupByParam } from './alert-params';
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
  async closedLoop(
    @Res() reply: FastifyReply, @Headers('accept') accept?: string,
    @Query('from') fromParam?: string, @Query('to') toParam?: string, @Query('groupBy') groupByParam?: string, @Query('after') after?: string,
  ) {
    const { from, to } = reportWindow(fromParam, toParam);
    const groupBy = closedLoopGroupByParam(groupByParam);
    await this.readYourWrites.await(after, ALERT_READS);
    const followUpSlaMs = this.settings.alerts.followUpSlaMs;
    const report = await this.reports.report({ from, to, groupBy, followUpSlaMs });
    return sendReport(reply, accept, closedLoopJson(report, followUpSlaMs), () => closedLoopCsv(report));
  }
}
