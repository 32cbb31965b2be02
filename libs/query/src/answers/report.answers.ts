import { ApiExtraModels, ApiProperty } from '@nestjs/swagger';
import { Int, ListOf, MapOf, Nested, NullableNumber, OneOf, Text, Time } from '@cx/http';
import { LIFECYCLE_STAGES } from '@cx/views';
import { GROUP_BY_VALUES } from '../loyalty/loyalty-params';

/** The answers of the reports (SPEC §2.2, §2.3) as JSON; each also answers CSV with `Accept: text/csv`. */

export class LifecycleReportDto {
  @Time() asOf!: string;
  @Int() total!: number;
  @ApiProperty({
    type: 'object',
    properties: Object.fromEntries(LIFECYCLE_STAGES.map((s) => [s, { type: 'integer' }])),
    required: [...LIFECYCLE_STAGES],
    additionalProperties: false,
    description: 'customers per stage at asOf, every stage listed',
  })
  stages!: Record<string, number>;
}

export class NpsBlockDto {
  @Int() responses!: number;
  @Int({ description: '9–10' }) promoters!: number;
  @Int({ description: '7–8' }) passives!: number;
  @Int({ description: '0–6' }) detractors!: number;
  @NullableNumber({ description: '100 × (promoters − detractors) / responses, 1 decimal; null without responses' }) score!: number | null;
}
export class CsatBlockDto {
  @Int() responses!: number;
  @Int({ description: '4–5' }) satisfied!: number;
  @NullableNumber({ description: '100 × satisfied / responses, 1 decimal' }) score!: number | null;
}
export class CesBlockDto {
  @Int() responses!: number;
  @NullableNumber({ description: 'mean score 1–7, 2 decimals' }) mean!: number | null;
}
export class PurchasesBlockDto {
  @Int() orders!: number;
  @Int() customers!: number;
  @Int({ description: 'customers with 2 or more orders in the window' }) repeatCustomers!: number;
  @NullableNumber({ description: 'percent, 1 decimal' }) repeatRate!: number | null;
  @MapOf({ type: 'integer' }, { description: 'per ISO 4217 currency' }) revenueMinor!: Record<string, number>;
}
export class ReferralsBlockDto {
  @Int() count!: number;
}
export class ChurnBlockDto {
  @Int({ description: 'not prospect and not churned at from' }) customersAtStart!: number;
  @Int({ description: 'of those, churned at to' }) churned!: number;
  @NullableNumber({ description: 'percent, 1 decimal' }) rate!: number | null;
}
export class CasesBlockDto {
  @Int() opened!: number;
  @Int() resolved!: number;
  @NullableNumber({ description: 'percent of resolved cases with no handoff and no reopen, 1 decimal' }) firstContactResolution!:
    number | null;
  @NullableNumber({ description: 'opened to last resolution, 2 decimals' }) meanResolutionHours!: number | null;
}

export class LoyaltyBlocksDto {
  @Nested(NpsBlockDto) nps!: NpsBlockDto;
  @Nested(CsatBlockDto) csat!: CsatBlockDto;
  @Nested(CesBlockDto) ces!: CesBlockDto;
  @Nested(PurchasesBlockDto) purchases!: PurchasesBlockDto;
  @Nested(ReferralsBlockDto) referrals!: ReferralsBlockDto;
  @Nested(ChurnBlockDto) churn!: ChurnBlockDto;
  @Nested(CasesBlockDto) cases!: CasesBlockDto;
}

/** A group's blocks: null for a block the grouping has no key for (churn by channel, say). */
export class LoyaltyGroupBlocksDto {
  @Nested(NpsBlockDto, { nullable: true }) nps!: NpsBlockDto | null;
  @Nested(CsatBlockDto, { nullable: true }) csat!: CsatBlockDto | null;
  @Nested(CesBlockDto, { nullable: true }) ces!: CesBlockDto | null;
  @Nested(PurchasesBlockDto, { nullable: true }) purchases!: PurchasesBlockDto | null;
  @Nested(ReferralsBlockDto, { nullable: true }) referrals!: ReferralsBlockDto | null;
  @Nested(ChurnBlockDto, { nullable: true }) churn!: ChurnBlockDto | null;
  @Nested(CasesBlockDto, { nullable: true }) cases!: CasesBlockDto | null;
}

@ApiExtraModels(LoyaltyGroupBlocksDto)
export class LoyaltyReportDto {
  @Time() from!: string;
  @Time() to!: string;
  @OneOf(GROUP_BY_VALUES.filter((g) => g !== 'none'), 'LoyaltyGrouping', { nullable: true, description: 'null without grouping' })
  groupBy!: string | null;
  @Nested(LoyaltyBlocksDto, { optional: true, description: 'without groupBy' }) blocks?: LoyaltyBlocksDto;
  @MapOf(
    { $ref: '#/components/schemas/LoyaltyGroupBlocksDto' },
    { optional: true, description: 'with groupBy: per group (`unknown` for a missing value)' },
  )
  groups?: Record<string, LoyaltyGroupBlocksDto>;
}

export class CohortMonthDto {
  @Text({ description: 'UTC month, YYYY-MM' }) month!: string;
  @Int({ description: 'months after the cohort month: 1 for the next' }) offset!: number;
  @Int() customers!: number;
  @ApiProperty({ type: Number, description: '100 × customers / cohort size, 1 decimal' }) percent!: number;
}
export class CohortDto {
  @Text({ description: 'UTC month of the first purchase, YYYY-MM' }) cohort!: string;
  @Int() customers!: number;
  @ListOf(CohortMonthDto) months!: CohortMonthDto[];
}
export class CohortReportDto {
  @Time() from!: string;
  @Time() to!: string;
  @ListOf(CohortDto) cohorts!: CohortDto[];
}
