import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Nested } from '@cx/http';
import { ALERT_SIGNALS, ALERT_STATUSES, CLOSED_LOOP_GROUP_BYS } from '@cx/views';

/**
 * The answers of the alert routes, for the OpenAPI document: a client generated from it
 * gets these shapes. They describe what `alertJson` / `closedLoopJson` return.
 */

export class AlertDetailDto {
  @ApiPropertyOptional({ enum: ['nps', 'csat', 'ces'], description: 'detractor: the survey that raised it' })
  survey?: string;
  @ApiPropertyOptional({ type: 'integer', description: 'detractor: the score that raised it' })
  score?: number;
  @ApiPropertyOptional({ type: 'integer', description: 'case signals: the handoff, by the position of its first event' })
  handoffPosition?: number;
  @ApiPropertyOptional({ description: 'case signals: the team the handoff was requested from' })
  fromTeam?: string;
  @ApiPropertyOptional({ description: 'case signals: the team asked (or that took over)' })
  toTeam?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'case signals: when the handoff was requested' })
  requestedAt?: string;
}

export class AlertFollowUpDto {
  @ApiProperty({ format: 'date-time' })
  at!: string;
  @ApiProperty({ type: String, nullable: true, description: 'the team of the event that followed it up' })
  team!: string | null;
}

export class AlertDto {
  @ApiProperty({
    description:
      'first 32 hex digits of SHA-256 over `signal|subject|raisedAt` (raisedAt in RFC 3339 UTC with milliseconds); the CloudEvent id of its deliveries',
    example: 'dae7282a00cfa7cb95f5458eaf66b5af',
  })
  id!: string;
  @ApiProperty({ type: 'string', enum: ALERT_SIGNALS })
  signal!: string;
  @ApiProperty({ description: 'the customer id (customer signals) or the case id (case signals)' })
  subject!: string;
  @ApiProperty({ description: 'the customer (of a case signal: the case’s customer)' })
  customerId!: string;
  @ApiProperty({ type: String, nullable: true })
  caseId!: string | null;
  @ApiProperty({ format: 'date-time' })
  raisedAt!: string;
  @ApiProperty({ type: String, nullable: true, description: 'the team as raised (docs/alerts.md)' })
  team!: string | null;
  @ApiProperty({ type: AlertDetailDto })
  detail!: AlertDetailDto;
  @Nested(AlertFollowUpDto, { nullable: true, description: 'null while not followed up at `asOf`' })
  followUp!: AlertFollowUpDto | null;
  @ApiProperty({ type: Number, nullable: true, description: 'follow-up time − raisedAt, minutes to 1 decimal' })
  followUpMinutes!: number | null;
  @ApiProperty({ type: 'string', enum: ALERT_STATUSES, description: 'at `asOf`' })
  status!: string;
}

export class AlertListDto {
  @ApiProperty({ format: 'date-time' })
  asOf!: string;
  @ApiProperty({ type: [AlertDto], description: 'newest first' })
  alerts!: AlertDto[];
  @ApiProperty({ type: String, nullable: true, description: 'pass as `cursor` for the next page; null on the last' })
  nextCursor!: string | null;
}

export class CountAndPercentDto {
  @ApiProperty({ type: 'integer' })
  count!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'percent of `raised`, 1 decimal; null over none' })
  percent!: number | null;
}

export class NpsOutcomeDto {
  @ApiProperty({ type: 'integer', description: 'detractor alerts raised by an NPS answer' })
  alerts!: number;
  @ApiProperty({ type: 'integer', description: 'of those, customers who answered NPS again before `to`' })
  answeredAgain!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'mean of next answer − the raising answer, 2 decimals' })
  meanNpsChange!: number | null;
  @ApiProperty({ type: 'integer', description: 'customers churned at `to`' })
  churned!: number;
  @ApiProperty({ type: Number, nullable: true })
  churnedPercent!: number | null;
}

export class DetractorNpsDto {
  @ApiProperty({ type: NpsOutcomeDto })
  followedUp!: NpsOutcomeDto;
  @ApiProperty({ type: NpsOutcomeDto })
  notFollowedUp!: NpsOutcomeDto;
}

export class ClosedLoopBlockDto {
  @ApiProperty({ type: 'integer' })
  raised!: number;
  @ApiProperty({ type: 'integer', description: 'followed up before `to`' })
  followedUp!: number;
  @ApiProperty({ type: CountAndPercentDto })
  followedUpWithinSla!: CountAndPercentDto;
  @ApiProperty({ type: Number, nullable: true, description: 'minutes, 1 decimal' })
  medianFollowUpMinutes!: number | null;
  @ApiProperty({ type: 'integer', description: 'not followed up before `to` and open longer than the SLA at `to`' })
  overdueNow!: number;
  @ApiProperty({ type: DetractorNpsDto })
  detractorNps!: DetractorNpsDto;
}

export class ClosedLoopReportDto {
  @ApiProperty({ format: 'date-time' })
  from!: string;
  @ApiProperty({ format: 'date-time' })
  to!: string;
  @ApiProperty({ type: 'string', enum: [...CLOSED_LOOP_GROUP_BYS, null], nullable: true })
  groupBy!: string | null;
  @ApiProperty({ description: 'CX_FOLLOW_UP_SLA_HOURS' })
  followUpSlaHours!: number;
  @ApiProperty({ type: ClosedLoopBlockDto })
  totals!: ClosedLoopBlockDto;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/ClosedLoopBlockDto' },
    description: 'per group key (`unknown` when missing); empty without groupBy',
  })
  groups!: Record<string, ClosedLoopBlockDto>;
}
