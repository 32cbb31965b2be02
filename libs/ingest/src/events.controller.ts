import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AccessRole, RequireRole } from '@cx/access';
import { MAX_EVENT_BYTES } from '@cx/events';
import { ApiError } from '@cx/http';
import type { IngestResult } from './ingest-result';
import { RecordEventsCommand } from './record-events.command';

/** SPEC §1.1: a batch is at most 1,000 events. */
export const MAX_BATCH_EVENTS = 1000;

@Controller('v1/events')
@RequireRole('ingest')
export class EventsController {
  constructor(private readonly commandBus: CommandBus) {}

  /**
   * One CloudEvent, or an array of them. Always answers 202 with an array of results,
   * one per event in the order sent, so a client handles one shape.
   */
  @Post()
  @HttpCode(202)
  async record(@Body() body: unknown, @Req() request: { accessRoles?: ReadonlySet<AccessRole> }): Promise<IngestResult[]> {
    const events = eventsOf(body);
    return this.commandBus.execute(new RecordEventsCommand(events, { roles: request.accessRoles ?? new Set() }));
  }
}

function eventsOf(body: unknown): unknown[] {
  if (Array.isArray(body)) {
    if (body.length === 0) throw new ApiError(400, 'empty_batch', 'a batch needs at least one event');
    if (body.length > MAX_BATCH_EVENTS) {
      throw new ApiError(400, 'batch_too_large', `a batch holds at most ${MAX_BATCH_EVENTS} events; this one has ${body.length}`);
    }
    return body;
  }
  if (body === null || typeof body !== 'object') {
    throw new ApiError(400, 'invalid_body', 'the body must be a CloudEvent (a JSON object) or an array of them');
  }
  const bytes = Buffer.byteLength(JSON.stringify(body), 'utf8');
  if (bytes > MAX_EVENT_BYTES) {
    throw new ApiError(413, 'event_too_large', `the event is ${bytes} bytes as JSON; the limit is ${MAX_EVENT_BYTES}`);
  }
  return [body];
}
