import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireRole } from '@cx/access';
import { CLOCK, Clock } from '@cx/clock';
import { ReadYourWrites, VIEW_STORE, ViewStore } from '@cx/projection';
import { SETTINGS, Settings } from '@cx/settings';
import { JsonOrCsvAnswer } from '@cx/http';
import { LifecycleReportDto } from './answers';
import { afterPosition, AsOfParams, asOfTime } from './params';
import { lifecycleReport } from './report-builders';
import { sendReport } from './report-response';

@ApiTags('reports')
@Controller('v1/reports')
@RequireRole('analyst')
export class LifecycleReportController {
  constructor(
    @Inject(VIEW_STORE) private readonly views: ViewStore,
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly readYourWrites: ReadYourWrites,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** SPEC §3: customers per stage at `asOf`. */
  @ApiOperation({ summary: 'Customers per lifecycle stage at asOf' })
  @JsonOrCsvAnswer(LifecycleReportDto, 'asOf, stage, customers: one row per stage')
  @Get('lifecycle')
  async lifecycleReport(@Res() reply: FastifyReply, @Query() params: AsOfParams, @Headers('accept') accept?: string) {
    await this.readYourWrites.await(afterPosition(params), ['lifecycle']);
    const report = await lifecycleReport(this.views, { asOf: asOfTime(params, this.clock.now()) }, this.settings);
    return sendReport(reply, accept, report.json, report.csv);
  }
}
