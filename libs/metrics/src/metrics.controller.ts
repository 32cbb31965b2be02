import { Get, Header, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiResource } from '@cx/access';
import { Metrics } from './metrics';

/** SPEC §3 `GET /metrics`: Prometheus text. Needs an `ops` key: lags and counts say how busy the business is. */
@ApiBearerAuth('bearer')
@ApiResource('metrics', 'ops', 'operability')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics: ingest counts and append latency, projection lag, Kafka consumer lag, process' })
  @ApiOkResponse({ description: 'Prometheus text exposition format 0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } })
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    const body = await this.metrics.scrape();
    await reply.header('content-type', this.metrics.contentType).send(body);
  }
}
