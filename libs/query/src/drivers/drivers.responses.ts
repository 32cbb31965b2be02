import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { DRIVER_ATTRIBUTES, DRIVER_GROUP_BYS, DRIVER_OUTCOMES } from '@cx/views';

/** OpenAPI of the drivers report's answer (SPEC §2.5): what `driversJson` writes. */

export class DriverSideDto {
  @ApiPropertyOptional({ description: 'NPS and CSAT: the answers on this side', type: 'integer' })
  responses?: number;

  @ApiPropertyOptional({
    description: 'NPS: 100 × (promoters − detractors) / responses; CSAT: 100 × satisfied / responses; 1 decimal; null without responses',
    type: Number,
    nullable: true,
  })
  score?: number | null;

  @ApiPropertyOptional({ description: 'churn: the customers at the window’s start on this side', type: 'integer' })
  customers?: number;

  @ApiPropertyOptional({ description: 'churn: 100 × churned / customers, 1 decimal; null without customers', type: Number, nullable: true })
  rate?: number | null;
}

export class DriverRowDto {
  @ApiProperty({
    description: 'The experience attribute (`channel:<name>` for each channel used)',
    enum: DRIVER_ATTRIBUTES,
    enumName: 'DriverAttribute',
  })
  attribute!: string;

  @ApiProperty({ description: 'Those with the attribute', type: DriverSideDto })
  with!: DriverSideDto;

  @ApiProperty({ description: 'Everyone else', type: DriverSideDto })
  without!: DriverSideDto;

  @ApiProperty({
    description: 'with − without, in score or rate points, from the unrounded values, 1 decimal; null when a side is empty',
    type: Number,
    nullable: true,
  })
  impact!: number | null;

  @ApiProperty({ description: '100 × with / all, 1 decimal; null when nobody is counted', type: Number, nullable: true })
  share!: number | null;
}

export class DriverBlockDto {
  @ApiProperty({ description: 'The outcome over everyone counted', type: DriverSideDto })
  overall!: DriverSideDto;

  @ApiProperty({
    description: 'Every fixed attribute and each channel used, by |impact| × share descending (null impacts last, ties by name)',
    type: [DriverRowDto],
  })
  drivers!: DriverRowDto[];
}

export class DriversReportDto {
  @ApiProperty({ format: 'date-time' })
  from!: string;

  @ApiProperty({ format: 'date-time' })
  to!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  asOf!: string | null;

  @ApiProperty({ type: 'string', enum: DRIVER_OUTCOMES })
  outcome!: string;

  @ApiProperty({ enum: DRIVER_GROUP_BYS, nullable: true, description: 'null without grouping' })
  groupBy!: string | null;

  @ApiProperty({
    description: 'The value tiers’ currency; null unless grouped by value tier (or when nobody bought in the year before `to`)',
    nullable: true,
    type: String,
  })
  currency!: string | null;

  @ApiPropertyOptional({ description: 'Without grouping', type: DriverSideDto })
  overall?: DriverSideDto;

  @ApiPropertyOptional({ description: 'Without grouping', type: [DriverRowDto] })
  drivers?: DriverRowDto[];

  @ApiPropertyOptional({
    description:
      'With grouping: a block per group that has someone in it (value tiers as top, core, none; segments in code-unit order, `unknown` without one)',
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(DriverBlockDto) },
  })
  groups?: Record<string, DriverBlockDto>;
}

export const DRIVERS_CSV_EXAMPLE = [
  'from,to,asOf,outcome,groupBy,currency,group,allCount,allScore,rank,attribute,withCount,withScore,withoutCount,withoutScore,impact,share',
  '2026-03-01T00:00:00.000Z,2026-04-01T00:00:00.000Z,,nps,none,,,5,0,1,hadPingPong,1,-100,4,25,-125,20',
].join('\n');
