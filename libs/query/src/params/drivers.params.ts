import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches, ValidationArguments } from 'class-validator';
import { DRIVER_GROUP_BYS, DRIVER_OUTCOMES, type DriverGroupBy, type DriverOutcome } from '@cx/views';
import { EnumParam, InstantParam } from './parameter-decorators';
import { ReportWindowParams } from './report.params';

export const DRIVER_GROUP_BY_VALUES = ['none', ...DRIVER_GROUP_BYS] as const;

/** An ISO 4217 code: three capital letters (as SPEC §1.3's `currency`). */
const CurrencyParam = (description: string) =>
  applyDecorators(
    ApiPropertyOptional({ description, type: String, pattern: '^[A-Z]{3}$', example: 'EUR' }),
    IsOptional(),
    Matches(/^[A-Z]{3}$/, {
      message: ({ property }: ValidationArguments) => `${property} must be an ISO 4217 code of three capital letters, e.g. EUR`,
    }),
  );

/** SPEC §2.5 `GET /v1/reports/drivers`: an outcome over [from, to), split by each experience attribute. */
export class DriversReportParams extends ReportWindowParams {
  @EnumParam(
    'The outcome: each NPS answer in the window, each CSAT answer, or the customers at the window’s start and whether they churned by its end',
    DRIVER_OUTCOMES,
    { name: 'DriverOutcome', default: 'nps' },
  )
  outcome?: DriverOutcome;

  @EnumParam(
    'Split the report by the customer’s segment at `to`, or by value tier (top 10 % by revenue in the 365 days before `to`, core, none)',
    DRIVER_GROUP_BY_VALUES,
    { name: 'DriverGroupBy', default: 'none' },
  )
  groupBy?: 'none' | DriverGroupBy;

  @CurrencyParam(
    'The currency value tiers rank revenue in (only with groupBy=valueTier). Default: the one with the most orders in the 365 days before `to`',
  )
  currency?: string;

  @InstantParam(
    'Event time the report is taken at: only events with `time <= asOf` count (the window ends at asOf if that is earlier). Default: every event',
  )
  asOf?: string;
}
