import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { RequireRole } from '@cx/access';
import { CLOCK, Clock } from '@cx/clock';
import { ReadYourWrites } from '@cx/projector';
import { LifecycleQueries } from './lifecycle-queries';
import { instantParam, iso } from './query-params';
import { sendReport } from './report-response';

@Controller('v1/reports')
@RequireRole('analyst')
export class LifecycleReportController {
  constructor(
    private readonly lifecycle: LifecycleQueries,
    private readonly readYourWrites: ReadYourWrites,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** SPEC §3: customers per stage at `asOf`. */
  @Get('lifecycle')
  async lifecycleReport(@Res() reply: FastifyReply, @Headers('accept') accept?: string, @Query('asOf') asOfParam?: string, @Query('after') after?: string) {
    await this.readYourWrites.await(after, ['lifecycle']);
    const asOf = instantParam('asOf', asOfParam, this.clock.now());
    const stages = await this.lifecycle.customersPerStage(asOf);
    const total = Object.values(stages).reduce((sum, n) => sum + n, 0);
    return sendReport(reply, accept, { asOf: iso(asOf), total, stages }, () => ({
      columns: ['asOf', 'stage', 'customers'],
      rows: Object.entries(stages).map(([stage, customers]) => ({ asOf: iso(asOf), stage, customers })),
    }));
  }
}
