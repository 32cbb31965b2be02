import { Body, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiConsumes, ApiExtraModels, ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AccessRole, ApiResource } from '@cx/access';
import { ErrorAnswer } from '@cx/http';
import { CloudEventDto, EVENTS_REQUEST_BODY, IngestResultDto } from './events.answers';
import { eventsOfRequest } from './http-binding';
import type { IngestResult } from './ingest-result';
import { RecordEventsCommand } from './record-events.command';

@ApiExtraModels(CloudEventDto)
@ApiResource('v1/events', 'ingest', 'ingest')
export class EventsController {
  constructor(private readonly commandBus: CommandBus) {}

  /**
   * One CloudEvent (structured or binary mode), or an array of them. Always answers 202
   * with an array of results, one per event in the order sent, so a client handles one shape.
   */
  @ApiOperation({ summary: 'Records events: structured, batch or binary mode (SPEC §1.1); one result per event, in order' })
  @ApiConsumes('application/json', 'application/cloudevents+json', 'application/cloudevents-batch+json')
  @ApiBody(EVENTS_REQUEST_BODY)
  @ApiResponse({ status: 202, type: [IngestResultDto], description: 'one result per event, in the order sent (also for a single event)' })
  @ErrorAnswer(413, '`payload_too_large` (a body over 5 MiB) or `event_too_large` (a single event over 64 KiB)')
  @ErrorAnswer(415, '`unsupported_media_type`: a body that is not JSON')
  @Post()
  @HttpCode(202)
  async record(@Body() body: unknown, @Req() request: FastifyRequest & { accessRoles?: ReadonlySet<AccessRole> }): Promise<IngestResult[]> {
    const events = eventsOfRequest(request.raw.headersDistinct, body);
    return this.commandBus.execute(new RecordEventsCommand(events, { roles: request.accessRoles ?? new Set() }));
  }
}
