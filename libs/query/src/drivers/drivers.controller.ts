import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { RequireRole } from '@cx/access';
import { ReadYourWrites, VIEW_STORE, ViewStore } from '@cx/projection';
import { SETTINGS, Settings } from '@cx/settings';
import { sendReport } from '../report-response';
import { driversReportBuilder } from './drivers-report.builder';
import { driversRequest } from './drivers-params';

/** The drivers report reads its own rows, loyalty's orders and segments, and the lifecycle's stages (churn). */
const READS = ['drivers', 'loyalty', 'lifecycle'];

@Controller('v1/reports')
@RequireRole('analyst')
export class DriversReportController {
  constructor(
    @Inject(VIEW_STORE) private readonly views: ViewStore,
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  /** SPEC §2.5 over [from, to): JSON, or CSV with `Accept: text/csv`. */
  @Get('drivers')
  async drivers(
    @Res() reply: FastifyReply, @Headers('accept') accept?: string,
    @Query('from') from?: string, @Query('to') to?: string, @Query('outcome') outcome?: string, @Query('groupBy') groupBy?: string,
    @Query('currency') currency?: string, @Query('asOf') asOf?: string, @Query('after') after?: string,
  ) {
    const params = { from, to, outcome, groupBy, currency, asOf };
    driversRequest(params);
    await this.readYourWrites.await(after, READS);
    const report = await driversReportBuilder(this.views, params, this.settings);
    return sendReport(reply, accept, report.json, report.csv);
  }
}
