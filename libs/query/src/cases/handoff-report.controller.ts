import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireRole } from '@cx/access';
import { ReadYourWrites } from '@cx/projection';
import { SETTINGS, Settings } from '@cx/settings';
import { JsonOrCsvAnswer } from '@cx/http';
import { HandoffReportDto } from '../answers';
import { sendReport } from '../report-response';
import { handoffReportCsv, handoffReportJson } from './case-json';
import { CASE_READS } from './case-queries';
import { HandoffReportQueries } from './handoff-report-queries';
import { afterPosition, reportWindow, SegmentReportParams } from '../params';

@ApiTags('reports')
@Controller('v1/reports')
@RequireRole('analyst')
export class HandoffReportController {
  constructor(
    private readonly reports: HandoffReportQueries,
    private readonly readYourWrites: ReadYourWrites,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  /** SPEC §2.3: the handoff report over [from, to), of one segment's cases if asked, as JSON or, with `Accept: text/csv`, CSV. */
  @ApiOperation({ summary: 'Handoffs between teams over [from, to): per team, the from/to matrix, ownerless cases, totals (SPEC §2.3)' })
  @JsonOrCsvAnswer(HandoffReportDto, 'one table whose `block` column (team, matrix, ownerless, totals) says which columns a row fills')
  @Get('handoffs')
  async handoffs(@Res() reply: FastifyReply, @Query() params: SegmentReportParams, @Headers('accept') accept?: string) {
    const { from, to } = reportWindow(params);
    // Segments are the loyalty projection's facts.
    await this.readYourWrites.await(afterPosition(params), params.segment === undefined ? CASE_READS : [...CASE_READS, 'loyalty']);
    const report = await this.reports.report({ from, to, slaMs: this.settings.thresholds.handoffAcceptanceSlaMs, segment: params.segment });
    return sendReport(reply, accept, handoffReportJson(report), () => handoffReportCsv(report));
  }
}
