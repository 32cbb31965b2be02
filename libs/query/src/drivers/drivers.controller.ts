import { Get, Headers, Inject, Query, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiResource } from '@cx/access';
import { ErrorAnswer } from '@cx/http';
import { VIEW_STORE, ViewStore } from '@cx/projection';
import { DriversReportParams, reportWindow } from '../params';
import { sendReport } from '../report-response';
import { driversReportBuilder } from './drivers-report.builder';
import { DriverBlockDto, DriversReportDto, DRIVERS_CSV_EXAMPLE } from './drivers.responses';
import { ReadRoutes } from '../read-routes';

/** The drivers report reads its own rows, loyalty's orders and segments, the lifecycle's stages (churn) and the alerts. */
const READS = ['drivers', 'loyalty', 'lifecycle', 'alerts'];

// Tagged with the other reports: it had no OpenAPI tag, so clients generated from the document filed it apart.
@ApiResource('v1/reports', 'analyst', 'reports')
@ApiExtraModels(DriverBlockDto)
export class DriversReportController {
  constructor(
    @Inject(VIEW_STORE) private readonly views: ViewStore,
    private readonly reads: ReadRoutes,
  ) {}

  /** SPEC §2.5 over [from, to): JSON, or CSV with `Accept: text/csv`. */
  @Get('drivers')
  @ApiOperation({ summary: 'Key drivers: the outcome with and without each experience attribute (SPEC §2.5; docs/drivers.md)' })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    description:
      'The report; CSV (Accept: text/csv) has one row per group and attribute in rank order, with the group’s overall count and score on each',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(DriversReportDto) } },
      'text/csv': { schema: { type: 'string' }, example: DRIVERS_CSV_EXAMPLE },
    },
  })
  @ApiExtraModels(DriversReportDto)
  @ErrorAnswer(
    400,
    'invalid_parameter (a parameter missing, twice, of the wrong kind, from after to, currency without valueTier) or window_too_long (over 10 years)',
  )
  async drivers(@Res() reply: FastifyReply, @Query() params: DriversReportParams, @Headers('accept') accept?: string) {
    reportWindow(params);
    await this.reads.caughtUp(params, READS);
    const report = await driversReportBuilder(this.views, params, this.reads.settings);
    return sendReport(reply, accept, report.json, report.csv);
  }
}
