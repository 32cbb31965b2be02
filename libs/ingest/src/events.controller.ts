import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyRequest } from 'fastify';
import { AccessRole, RequireRole } from '@cx/access';
import { eventsOfRequest } from './http-binding';
import type { IngestResult } from './ingest-result';
import { RecordEventsCommand } from './record-events.command';

@Controller('v1/events')
@RequireRole('ingest')
export class EventsController {
  constructor(private readonly commandBus: CommandBus) {}

  /**
   * One CloudEvent (structured or binary mode), or an array of them. Always answers 202
   * with an array of results, one per event in the order sent, so a client handles one shape.
   */
  @Post()
  @HttpCode(202)
  async record(@Body() body: unknown, @Req() request: FastifyRequest & { accessRoles?: ReadonlySet<AccessRole> }): Promise<IngestResult[]> {
    const events = eventsOfRequest(request.raw.headersDistinct, body);
    return this.commandBus.execute(new RecordEventsCommand(events, { roles: request.accessRoles ?? new Set() }));
  }
}
