import { Bool, Int, ListOf, MapOf, Nested, NullableText, NullableTime, OneOf, Text, Time } from '@cx/http';
import { LIFECYCLE_STAGES } from '@cx/views';

/** The answers of the customer routes (SPEC §2.1, §3), as the OpenAPI document gives them. */

export class StageChangeDto {
  @OneOf(LIFECYCLE_STAGES, 'LifecycleStage') stage!: string;
  @Time({ description: 'when the customer entered it: an event’s time, or a threshold reached' }) since!: string;
}

export class SurveyAnswerDto {
  @Int() score!: number;
  @Time() time!: string;
}

export class InteractionCountsDto {
  @Int() count!: number;
  @MapOf({ type: 'integer' }, { description: 'per channel' }) byChannel!: Record<string, number>;
}

export class PurchaseCountsDto {
  @Int() count!: number;
  @MapOf({ type: 'integer' }, { description: 'sum of amountMinor per ISO 4217 currency' }) revenueMinor!: Record<string, number>;
}

export class CustomerViewDto {
  @Text() customerId!: string;
  @Time() asOf!: string;
  @OneOf(LIFECYCLE_STAGES, 'LifecycleStage') stage!: string;
  @ListOf(StageChangeDto, { description: 'every change up to asOf, oldest first' }) stageHistory!: StageChangeDto[];
  @Bool({ description: 'a purchase followed a time the customer was churned' }) wonBack!: boolean;
  @NullableTime() firstSeen!: string | null;
  @NullableTime() lastSeen!: string | null;
  @Nested(InteractionCountsDto) interactions!: InteractionCountsDto;
  @Nested(PurchaseCountsDto) purchases!: PurchaseCountsDto;
  @Int({ description: 'cases of the customer open at asOf, orphans included' }) openCases!: number;
  @Nested(SurveyAnswerDto, { nullable: true, description: 'latest NPS answer' }) nps!: SurveyAnswerDto | null;
  @Nested(SurveyAnswerDto, { nullable: true, description: 'latest CSAT answer' }) csat!: SurveyAnswerDto | null;
  @Nested(SurveyAnswerDto, { nullable: true, description: 'latest CES answer' }) ces!: SurveyAnswerDto | null;
  @NullableText({ description: 'of the latest profile that named one' }) segment!: string | null;
  @Int({ description: 'referrals the customer made' }) referrals!: number;
}

export class CustomerListItemDto {
  @Text() customerId!: string;
  @OneOf(LIFECYCLE_STAGES, 'LifecycleStage', { description: 'at asOf' }) stage!: string;
  @NullableText() segment!: string | null;
  @NullableTime() firstSeen!: string | null;
  @NullableTime() lastSeen!: string | null;
  @Int() purchases!: number;
}

export class CustomerListDto {
  @Time() asOf!: string;
  @ListOf(CustomerListItemDto, { description: 'by customer id' }) customers!: CustomerListItemDto[];
  @NullableText({ description: 'pass as `cursor` for the next page; null on the last' }) nextCursor!: string | null;
}
