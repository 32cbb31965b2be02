import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { RequireRole } from '@cx/access';
import { CLOCK, Clock } from '@cx/clock';
import { ApiError } from '@cx/http';
import { ReadYourWrites } from '@cx/projection';
import { SETTINGS, Settings } from '@cx/settings';
import { toCsv, wantsCsv } from '../csv';
import { instantParam, iso, limitParam } from '../query-params';
import { ALERT_CSV_COLUMNS, alertCsvRow, alertJson } from './alert-json';
import { decodeAlertCursor, encodeAlertCursor, idParam, signalParam, statusParam } from './alert-params';
import { ALERT_READS, AlertQueries } from './alert-queries';

@Controller('v1/alerts')
@RequireRole('analyst')
export class AlertsController {
  constructor(
    private readonly alerts: AlertQueries,
    private readonly readYourWrites: ReadYourWrites,
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** SPEC §2.4 and §3: alerts raised by `asOf`, newest first, filtered and paged; CSV with `Accept: text/csv`. */
  @Get()
  async list(
    @Res() reply: FastifyReply, @Headers('accept') accept?: string,
    @Query('status') status?: string, @Query('signal') signal?: string, @Query('customerId') customerId?: string, @Query('caseId') caseId?: string,
    @Query('from') fromParam?: string, @Query('to') toParam?: string, @Query('asOf') asOfParam?: string,
    @Query('limit') limit?: string, @Query('cursor') cursor?: string, @Query('after') after?: string,
  ) {
    const asOf = instantParam('asOf', asOfParam, this.clock.now());
    const from = fromParam ? instantParam('from', fromParam, 0) : undefined;
    const to = toParam ? instantParam('to', toParam, 0) : undefined;
    if (from !== undefined && to !== undefined && from > to) throw new ApiError(400, 'invalid_parameter', 'from must not be after to');
    const query = {
      asOf, followUpSlaMs: this.settings.alerts.followUpSlaMs, status: statusParam(status), signal: signalParam(signal),
      customerId: idParam('customerId', customerId), caseId: idParam('caseId', caseId), from, to,
      limit: limitParam(limit, 100, 1000), after: decodeAlertCursor(cursor),
    };
    await this.readYourWrites.await(after, ALERT_READS);
    const page = await this.alerts.list(query);
    const alerts = page.alerts.map((alert) => alertJson(alert, asOf, query.followUpSlaMs));
    const nextCursor = page.next ? encodeAlertCursor(page.next) : null;
    if (!wantsCsv(accept)) return reply.send({ asOf: iso(asOf), alerts, nextCursor });
    if (nextCursor) reply.header('x-next-cursor', nextCursor);
    return reply.header('content-type', 'text/csv; charset=utf-8').send(toCsv(ALERT_CSV_COLUMNS, alerts.map(alertCsvRow)));
  }
}
