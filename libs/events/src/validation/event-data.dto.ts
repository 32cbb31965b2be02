import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  IsDefined, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateNested,
} from 'class-validator';
import { CASE_CATEGORIES, CHANNELS, CUSTOMER_KINDS, DIRECTIONS, EventType, PRIORITIES, SURVEYS } from '../event-types';
import { CustomerRefDto } from './customer-ref.dto';

/**
 * class-validator DTOs of every `data` in SPEC §1.3. Unknown fields are kept, not
 * rejected, so that channel systems can send more than CX Ledger reads.
 */
abstract class WithCustomerDto {
  @IsDefined() @IsObject() @ValidateNested() @Type(() => CustomerRefDto)
  customer!: CustomerRefDto;
}

const NAME: [number, number] = [1, 128];
const TEXT_MAX = 4000;

export class InteractionRecordedDto extends WithCustomerDto {
  @IsIn(CHANNELS) channel!: string;
  @IsIn(DIRECTIONS) direction!: string;
  @IsOptional() @IsString() @Length(...NAME) topic?: string;
  @IsOptional() @IsString() @Length(...NAME) caseId?: string;
  @IsOptional() @IsString() @Length(...NAME) team?: string;
  @IsOptional() @IsString() @Length(...NAME) agentId?: string;
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(86_400) durationSeconds?: number;
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-1) @Max(1) sentiment?: number;
  @IsOptional() @IsString() @MaxLength(TEXT_MAX) summary?: string;
}

export class PurchaseCompletedDto extends WithCustomerDto {
  @IsString() @Length(...NAME) orderId!: string;
  @IsInt() @Min(0) @Max(1e12) amountMinor!: number;
  @IsString() @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code of three capital letters' }) currency!: string;
  @IsIn(CHANNELS) channel!: string;
  @IsOptional() @IsString() @Length(...NAME) productLine?: string;
}

/** Score ranges per survey (SPEC §1.3): checked after the field rules, see `surveyScoreProblem`. */
export const SURVEY_SCORE_RANGE: ReadonlyMap<string, [number, number]> = new Map([['nps', [0, 10]], ['csat', [1, 5]], ['ces', [1, 7]]]);

export class SurveyAnsweredDto extends WithCustomerDto {
  @IsIn(SURVEYS) survey!: string;
  @IsInt() @Min(0) @Max(10) score!: number;
  @IsOptional() @IsString() @MaxLength(TEXT_MAX) comment?: string;
  @IsOptional() @IsIn(CHANNELS) channel?: string;
  @IsOptional() @IsString() @Length(...NAME) team?: string;
  @IsOptional() @IsString() @Length(...NAME) caseId?: string;
}

export class CaseOpenedDto extends WithCustomerDto {
  @IsString() @Length(...NAME) caseId!: string;
  @IsIn(CASE_CATEGORIES) category!: string;
  @IsIn(CHANNELS) channel!: string;
  @IsOptional() @IsString() @Length(...NAME) team?: string;
  @IsOptional() @IsString() @Length(...NAME) agentId?: string;
  @IsOptional() @IsIn(PRIORITIES) priority?: string;
}

export class CaseHandoffRequestedDto extends WithCustomerDto {
  @IsString() @Length(...NAME) caseId!: string;
  @IsString() @Length(...NAME) fromTeam!: string;
  @IsString() @Length(...NAME) toTeam!: string;
  @IsOptional() @IsString() @MaxLength(TEXT_MAX) reason?: string;
}

export class CaseHandoffAcceptedDto extends WithCustomerDto {
  @IsString() @Length(...NAME) caseId!: string;
  @IsString() @Length(...NAME) team!: string;
  @IsOptional() @IsString() @Length(...NAME) agentId?: string;
}

export class CaseResolvedDto extends WithCustomerDto {
  @IsString() @Length(...NAME) caseId!: string;
  @IsOptional() @IsString() @Length(...NAME) team?: string;
  @IsOptional() @IsString() @MaxLength(TEXT_MAX) resolution?: string;
}

export class CaseReopenedDto extends WithCustomerDto {
  @IsString() @Length(...NAME) caseId!: string;
  @IsOptional() @IsString() @MaxLength(TEXT_MAX) reason?: string;
}

export class CustomerReferredDto extends WithCustomerDto {
  @IsOptional() @IsObject() @ValidateNested() @Type(() => CustomerRefDto) referred?: CustomerRefDto;
  @IsOptional() @IsIn(CHANNELS) channel?: string;
}

export class CustomerChurnedDto extends WithCustomerDto {
  @IsOptional() @IsString() @MaxLength(TEXT_MAX) reason?: string;
}

export class CustomerProfiledDto extends WithCustomerDto {
  @IsOptional() @IsString() @Length(...NAME) segment?: string;
  @IsOptional() @IsString() @Length(...NAME) name?: string;
  @IsOptional() @IsString() @Length(...NAME) company?: string;
  @IsOptional() @IsIn(CUSTOMER_KINDS) kind?: string;
}

export class CustomerMergedDto extends WithCustomerDto {
  @IsDefined() @IsObject() @ValidateNested() @Type(() => CustomerRefDto) into!: CustomerRefDto;
}

export class CustomerForgottenDto extends WithCustomerDto {
  @IsOptional() @IsString() @MaxLength(TEXT_MAX) reason?: string;
}

export const DATA_DTO_BY_TYPE: Record<EventType, new () => WithCustomerDto> = {
  'cx.interaction.recorded.v1': InteractionRecordedDto,
  'cx.purchase.completed.v1': PurchaseCompletedDto,
  'cx.survey.answered.v1': SurveyAnsweredDto,
  'cx.case.opened.v1': CaseOpenedDto,
  'cx.case.handoff.requested.v1': CaseHandoffRequestedDto,
  'cx.case.handoff.accepted.v1': CaseHandoffAcceptedDto,
  'cx.case.resolved.v1': CaseResolvedDto,
  'cx.case.reopened.v1': CaseReopenedDto,
  'cx.customer.referred.v1': CustomerReferredDto,
  'cx.customer.churned.v1': CustomerChurnedDto,
  'cx.customer.profiled.v1': CustomerProfiledDto,
  'cx.customer.merged.v1': CustomerMergedDto,
  'cx.customer.forgotten.v1': CustomerForgottenDto,
};
