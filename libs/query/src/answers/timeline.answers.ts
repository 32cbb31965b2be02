import { ApiExtraModels, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EVENT_TYPES } from '@cx/events';
import { Int, ListOf, NullableText, Text, Time } from '@cx/http';

/** A timeline entry: a CloudEvent (SPEC §3), unknown attributes kept, with the store's extension attributes. */
export class TimelineEntryDto {
  @ApiProperty({ enum: ['1.0'] }) specversion!: string;
  @Text() id!: string;
  @Text() source!: string;
  @ApiProperty({ type: 'string', enum: EVENT_TYPES }) type!: string;
  @Time({ description: 'event time, in UTC' }) time!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'as its type says (SPEC §1.3); personal fields `[redacted]` once the customer is forgotten',
  })
  data!: Record<string, unknown>;
  @ApiPropertyOptional() subject?: string;
  @ApiPropertyOptional() datacontenttype?: string;
  @ApiPropertyOptional() dataschema?: string;
  @Int({ description: 'extension: the event’s position in the store' }) cxposition!: number;
  @Time({ description: 'extension: when the store appended it' }) cxrecordedat!: string;
  @Text({ description: 'extension: the customer the event was resolved to when appended' }) cxcustomerid!: string;
}

@ApiExtraModels(TimelineEntryDto)
export class TimelineDto {
  @Text() customerId!: string;
  @ListOf(TimelineEntryDto, {
    description: 'in event time order (ties by position), with the events of anonymous customers merged into it',
  })
  events!: TimelineEntryDto[];
  @NullableText({ description: 'pass as `cursor` for the next page; null on the last' }) nextCursor!: string | null;
}
