import { ApiPropertyOptional } from '@nestjs/swagger';
import { Int, ListOf, Nested, NullableNumber, NullableText, NullableTime, Num, OneOf, Text, Time } from '@cx/http';
import { CASE_EVENT_TYPES } from '@cx/views';

/** The answers of the case routes (SPEC §2.3): the case view and the handoff report. */

const HANDOFF_FLAGS = ['superseded', 'misrouted', 'takeover', 'pingPong', 'stalled'];
const CASE_EFFECTS = ['opened', 'claimed', 'requested', 'handoff', 'takeover', 'assigned', 'resolved', 'reopened', 'ignored'];

export class CaseOwnerDto {
  @Text() team!: string;
  @ApiPropertyOptional() agentId?: string;
}

export class CaseHandoffDto {
  @Text() fromTeam!: string;
  @Text() toTeam!: string;
  @NullableTime() requestedAt!: string | null;
  @NullableTime() acceptedAt!: string | null;
  @NullableText() acceptedBy!: string | null;
  @ApiPropertyOptional() agentId?: string;
  @NullableNumber({ description: 'accepted − requested, 1 decimal; null while pending, never accepted, and for takeovers' })
  minutesToAccept!: number | null;
  @OneOf(['pending', 'accepted', 'superseded', 'cancelled'], 'HandoffOutcome') outcome!: string;
  @ListOf(String, { description: `any of ${HANDOFF_FLAGS.join(', ')}` }) flags!: string[];
}

export class CaseTimelineEntryDto {
  @Int() position!: number;
  @Time() time!: string;
  @OneOf(CASE_EVENT_TYPES, 'CaseEventType') type!: string;
  @Text({ description: 'the customer as it stands now (merges applied)' }) customerId!: string;
  @OneOf(CASE_EFFECTS, 'CaseEffect', { description: 'what the event did to the case' }) effect!: string;
  @ApiPropertyOptional() team?: string;
  @ApiPropertyOptional() agentId?: string;
  @ApiPropertyOptional() fromTeam?: string;
  @ApiPropertyOptional() toTeam?: string;
}

export class CaseViewDto {
  @Text() caseId!: string;
  @Text() customerId!: string;
  @Time() asOf!: string;
  @OneOf(['open', 'resolved'], 'CaseStatus') status!: string;
  @Nested(CaseOwnerDto, { nullable: true }) owner!: CaseOwnerDto | null;
  @NullableText({ description: 'the team a pending handoff request waits for' }) pendingTeam!: string | null;
  @Time({ description: 'time of the case’s first event' }) startedAt!: string;
  @NullableTime() resolvedAt!: string | null;
  @NullableText({ description: 'the team a reopen returns the case to' }) resolvedBy!: string | null;
  @ListOf(CaseHandoffDto) handoffs!: CaseHandoffDto[];
  @Num({ description: 'minutes open without an owner up to asOf, 1 decimal' }) unownedMinutes!: number;
  @Int() reopenCount!: number;
  @ListOf(String, { description: '`orphan`: events exist but no opening' }) flags!: string[];
  @ListOf(CaseTimelineEntryDto) timeline!: CaseTimelineEntryDto[];
}

export class TeamHandoffRowDto {
  @Text() team!: string;
  @Int({ description: 'requested from this team in the window' }) handoffsOut!: number;
  @Int({ description: 'accepted by this team in the window' }) handoffsIn!: number;
  @NullableNumber() medianMinutesToAccept!: number | null;
  @Int({ description: 'requests pending for it past the SLA at to' }) stalledNow!: number;
  @Int({ description: 'open cases it owns at to' }) openOwned!: number;
  @Int() pingPongs!: number;
  @Int() resolved!: number;
}

export class HandoffMatrixCellDto {
  @Text() fromTeam!: string;
  @Text({ description: 'the team that accepted' }) toTeam!: string;
  @Int() count!: number;
  @NullableNumber() medianMinutesToAccept!: number | null;
}

export class OwnerlessCaseDto {
  @Text() caseId!: string;
  @Text() customerId!: string;
  @Time() unownedSince!: string;
  @NullableText() pendingTeam!: string | null;
}

export class HandoffTotalsDto {
  @Int({ description: 'accepted in the window' }) handoffs!: number;
  @NullableNumber() medianMinutesToAccept!: number | null;
  @Num({ description: 'hours inside the window during which open cases had no owner, summed' }) unownedHours!: number;
}

export class HandoffReportDto {
  @Time() from!: string;
  @Time() to!: string;
  @ListOf(TeamHandoffRowDto) teams!: TeamHandoffRowDto[];
  @ListOf(HandoffMatrixCellDto) matrix!: HandoffMatrixCellDto[];
  @ListOf(OwnerlessCaseDto, { description: 'open cases with no owner at to, oldest first' }) ownerless!: OwnerlessCaseDto[];
  @Nested(HandoffTotalsDto) totals!: HandoffTotalsDto;
}
