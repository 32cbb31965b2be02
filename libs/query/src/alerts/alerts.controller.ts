import { Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiResource } from '@cx/access';
import { toCsv, wantsCsv } from '../csv';
import { AlertListParams } from '../params';
import { iso } from '../query-params';
import { ALERT_CSV_COLUMNS, alertCsvRow, alertJson } from './alert-json';
import { decodeAlertCursor, encodeAlertCursor, raisedWindow } from './alert-params';
import { AlertListDto } from './alert.dto';
import { ALERT_READS, AlertQueries } from './alert-queries';
import { ReadRoutes } from '../read-routes';

@ApiResource('v1/alerts', 'analyst', 'alerts')
export class AlertsController {
  constructor(
    private readonly alerts: AlertQueries,
    private readonly reads: ReadRoutes,
  ) {}

  /** SPEC §2.4 and §3: alerts raised by `asOf`, newest first, filtered and paged; CSV with `Accept: text/csv`. */
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    type: AlertListDto,
    description:
      'JSON; with `Accept: text/csv`, CSV: one row per alert: id, signal, status, subject, customerId, caseId, raisedAt, team, survey, score, fromTeam, toTeam, followUpAt, followUpTeam, followUpMinutes; the next page’s cursor in X-Next-Cursor',
  })
  @ApiOperation({ summary: 'Alerts raised by asOf, newest first, filtered and paged (SPEC §2.4)' })
  @Get()
  async list(@Res() reply: FastifyReply, @Query() params: AlertListParams, @Headers('accept') accept?: string) {
    const asOf = this.reads.asOf(params);
    const followUpSlaMs = this.reads.settings.alerts.followUpSlaMs;
    const { status, signal, customerId, caseId } = params;
    const query = {
      asOf,
      followUpSlaMs,
      status,
      signal,
      customerId,
      caseId,
      ...raisedWindow(params),
      limit: params.limit ?? 100,
      after: decodeAlertCursor(params.cursor),
    };
    await this.reads.caughtUp(params, ALERT_READS);
    const page = await this.alerts.list(query);
    const alerts = page.alerts.map((alert) => alertJson(alert, asOf, followUpSlaMs));
    const nextCursor = page.next ? encodeAlertCursor(page.next) : null;
    if (!wantsCsv(accept)) return reply.send({ asOf: iso(asOf), alerts, nextCursor });
    if (nextCursor) reply.header('x-next-cursor', nextCursor);
    return reply.header('content-type', 'text/csv; charset=utf-8').send(toCsv(ALERT_CSV_COLUMNS, alerts.map(alertCsvRow)));
  }
}
