import { Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiResource } from '@cx/access';
import { JsonOrCsvAnswer } from '@cx/http';
import { HandoffReportDto } from '../answers';
import { sendReport } from '../report-response';
import { handoffReportCsv, handoffReportJson } from './case-json';
import { CASE_READS } from './case-queries';
import { HandoffReportQueries } from './handoff-report-queries';
import { reportWindow, SegmentReportParams } from '../params';
import { ReadRoutes } from '../read-routes';

@ApiResource('v1/reports', 'analyst', 'reports')
export class HandoffReportController {
  constructor(
    private readonly reports: HandoffReportQueries,
    private readonly reads: ReadRoutes,
  ) {}

  /** SPEC §2.3: the handoff report over [from, to), of one segment's cases if asked, as JSON or, with `Accept: text/csv`, CSV. */
  @ApiOperation({ summary: 'Handoffs between teams over [from, to): per team, the from/to matrix, ownerless cases, totals (SPEC §2.3)' })
  @JsonOrCsvAnswer(HandoffReportDto, 'one table whose `block` column (team, matrix, ownerless, totals) says which columns a row fills')
  @Get('handoffs')
  async handoffs(@Res() reply: FastifyReply, @Query() params: SegmentReportParams, @Headers('accept') accept?: string) {
    const { from, to } = reportWindow(params);
    // Segments are the loyalty projection's facts.
    await this.reads.caughtUp(params, params.segment === undefined ? CASE_READS : [...CASE_READS, 'loyalty']);
    const report = await this.reports.report({
      from,
      to,
      slaMs: this.reads.settings.thresholds.handoffAcceptanceSlaMs,
      segment: params.segment,
    });
    return sendReport(reply, accept, handoffReportJson(report), () => handoffReportCsv(report));
  }
}
