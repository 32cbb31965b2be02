import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { RequireRole } from '@cx/access';
import { CLOCK, Clock } from '@cx/clock';
import { ReadYourWrites, VIEW_STORE, ViewStore } from '@cx/projection';
import { SETTINGS, Settings } from '@cx/settings';
import { instantParam } from './query-params';
import { lifecycleReport } from './report-builders';
import { sendReport } from './report-response';

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
  @Get('lifecycle')
  async lifecycleReport(@Res() reply: FastifyReply, @Headers('accept') accept?: string, @Query('asOf') asOfParam?: string, @Query('after') after?: string) {
    await this.readYourWrites.await(after, ['lifecycle']);
    const report = await lifecycleReport(this.views, { asOf: instantParam('asOf', asOfParam, this.clock.now()) }, this.settings);
    return sendReport(reply, accept, report.json, report.csv);
  }
}
