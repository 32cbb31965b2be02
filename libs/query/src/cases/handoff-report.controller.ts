import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { RequireRole } from '@cx/access';
import { ApiError } from '@cx/http';
import { ReadYourWrites } from '@cx/projector';
import { SETTINGS, Settings } from '@cx/settings';
import { instantParam } from '../query-params';
import { sendReport } from '../report-response';
import { handoffReportCsv, handoffReportJson } from './case-json';
import { CASE_READS } from './case-queries';
import { HandoffReportQueries } from './handoff-report-queries';

@Controller('v1/reports')
@RequireRole('analyst')
export class HandoffReportController {
  constructor(
    private readonly reports: HandoffReportQueries,
    private readonly readYourWrites: ReadYourWrites,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  /** SPEC §2.3: the handoff report over [from, to), as JSON or, with `Accept: text/csv`, CSV. */
  @Get('handoffs')
  async handoffs(
    @Res() reply: FastifyReply, @Headers('accept') accept?: string,
    @Query('from') fromParam?: string, @Query('to') toParam?: string, @Query('after') after?: string,
  ) {
    const { from, to } = reportWindow(fromParam, toParam);
    await this.readYourWrites.await(after, CASE_READS);
    const report = await this.reports.report({ from, to, slaMs: this.settings.thresholds.handoffAcceptanceSlaMs });
    return sendReport(reply, accept, handoffReportJson(report), () => handoffReportCsv(report));
  }
}

/** `from` and `to` are required RFC 3339 times with from <= to (an empty window is a valid, empty report). */
export function reportWindow(fromParam: string | undefined, toParam: string | undefined): { from: number; to: number } {
  const from = instantParam('from', required('from', fromParam), 0);
  const to = instantParam('to', required('to', toParam), 0);
  if (from > to) throw new ApiError(400, 'invalid_parameter', 'from must not be after to');
  return { from, to };
}

function required(name: string, value: string | undefined): string {
  if (value === undefined || value === '') {
    throw new ApiError(400, 'invalid_parameter', `${name} is required: an RFC 3339 time with an offset, e.g. 2026-03-01T00:00:00Z`);
  }
  return value;
}
