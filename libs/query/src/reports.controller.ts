import { Get, Headers, Inject, Query, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiResource } from '@cx/access';
import { VIEW_STORE, ViewStore } from '@cx/projection';
import { JsonOrCsvAnswer } from '@cx/http';
import { LifecycleReportDto } from './answers';
import { AsOfParams } from './params';
import { lifecycleReport } from './report-builders';
import { sendReport } from './report-response';
import { ReadRoutes } from './read-routes';

@ApiResource('v1/reports', 'analyst', 'reports')
export class LifecycleReportController {
  constructor(
    @Inject(VIEW_STORE) private readonly views: ViewStore,
    private readonly reads: ReadRoutes,
  ) {}

  /** SPEC §3: customers per stage at `asOf`. */
  @ApiOperation({ summary: 'Customers per lifecycle stage at asOf' })
  @JsonOrCsvAnswer(LifecycleReportDto, 'asOf, stage, customers: one row per stage')
  @Get('lifecycle')
  async lifecycleReport(@Res() reply: FastifyReply, @Query() params: AsOfParams, @Headers('accept') accept?: string) {
    await this.reads.caughtUp(params, ['lifecycle']);
    const report = await lifecycleReport(this.views, { asOf: this.reads.asOf(params) }, this.reads.settings);
    return sendReport(reply, accept, report.json, report.csv);
  }
}
