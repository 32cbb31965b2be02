import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EVENT_TYPES } from '@cx/events';
import { Int, ListOf, OneOf, Text } from '@cx/http';

/** What `POST /v1/events` takes and answers (SPEC §1.1, §3), as the OpenAPI document gives it. */

export class CloudEventDto {
  @ApiProperty({ enum: ['1.0'] }) specversion!: string;
  @ApiProperty({ minLength: 1, maxLength: 128, description: 'unique per source' }) id!: string;
  @ApiProperty({ minLength: 1, maxLength: 256, description: 'URI-reference of the channel system', example: '/channels/call-centre' })
  source!: string;
  @ApiProperty({ type: 'string', enum: EVENT_TYPES }) type!: string;
  @ApiProperty({
    format: 'date-time',
    description: 'when the interaction happened, RFC 3339 with an offset; at most 5 minutes ahead, not before 2000',
    example: '2026-03-01T09:30:00Z',
  })
  time!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'as its type says (SPEC §1.3); always a `customer` reference',
    example: { customer: { email: 'ada@example.com' }, channel: 'phone', direction: 'inbound' },
  })
  data!: Record<string, unknown>;
  @ApiPropertyOptional({ maxLength: 256 }) subject?: string;
  @ApiPropertyOptional({ description: '`application/json`, parameters such as `charset=utf-8` allowed' }) datacontenttype?: string;
  @ApiPropertyOptional() dataschema?: string;
}

export class FieldProblemDto {
  @Text({ description: 'where, e.g. `data.score`; empty for the whole event' }) path!: string;
  @Text() message!: string;
}

export class IngestResultDto {
  @Int({ description: 'the event’s place in what was sent, from 0' }) index!: number;
  @ApiProperty({ type: String, nullable: true, description: 'the event’s id as sent (null if it had none)' }) id!: string | null;
  @OneOf(['accepted', 'duplicate', 'rejected'], 'IngestStatus') status!: string;
  @Int({
    optional: true,
    description: 'accepted and duplicate: where it is stored (a duplicate: the original’s); id_conflict: the stored event’s',
  })
  position?: number;
  @Text({ optional: true, description: 'accepted and duplicate: the customer it was resolved to' }) customerId?: string;
  @OneOf(['invalid', 'unknown_type', 'invalid_time', 'id_conflict'], 'RejectionCode', { optional: true }) error?: string;
  @ListOf(FieldProblemDto, { optional: true, description: 'rejected: each problem with its path' }) errors?: FieldProblemDto[];
}

export const EVENTS_REQUEST_BODY = {
  description:
    'One CloudEvent, or an array of 1 to 1,000 (5 MiB at most; one event at most 64 KiB). Binary mode: send the attributes as `ce-` headers (`ce-specversion`, `ce-id`, `ce-source`, `ce-type`, `ce-time`, …) and `data` as the body with `content-type: application/json`.',
  required: true,
  schema: {
    oneOf: [
      { $ref: '#/components/schemas/CloudEventDto' },
      { type: 'array', minItems: 1, maxItems: 1000, items: { $ref: '#/components/schemas/CloudEventDto' } },
    ],
  },
};
