import type { CaseCategory, Channel, CustomerKind, Direction, Priority, Survey } from './event-types';

/** SPEC §1.2: how a channel system names a customer. At least one field is present. */
export interface CustomerRef {
  id?: string;
  email?: string;
  phone?: string;
  externalIds?: Record<string, string>;
}

interface WithCustomer {
  customer: CustomerRef;
}

export interface InteractionRecorded extends WithCustomer {
  channel: Channel;
  direction: Direction;
  topic?: string;
  caseId?: string;
  team?: string;
  agentId?: string;
  durationSeconds?: number;
  sentiment?: number;
  summary?: string;
}

export interface PurchaseCompleted extends WithCustomer {
  orderId: string;
  amountMinor: number;
  currency: string;
  channel: Channel;
  productLine?: string;
}

export interface SurveyAnswered extends WithCustomer {
  survey: Survey;
  score: number;
  comment?: string;
  channel?: Channel;
  team?: string;
  caseId?: string;
}

export interface CaseOpened extends WithCustomer {
  caseId: string;
  category: CaseCategory;
  channel: Channel;
  team?: string;
  agentId?: string;
  priority?: Priority;
}

export interface CaseHandoffRequested extends WithCustomer {
  caseId: string;
  fromTeam: string;
  toTeam: string;
  reason?: string;
}

export interface CaseHandoffAccepted extends WithCustomer {
  caseId: string;
  team: string;
  agentId?: string;
}

export interface CaseResolved extends WithCustomer {
  caseId: string;
  team?: string;
  resolution?: string;
}

export interface CaseReopened extends WithCustomer {
  caseId: string;
  reason?: string;
}

export interface CustomerReferred extends WithCustomer {
  referred?: CustomerRef;
  channel?: Channel;
}

export interface CustomerChurned extends WithCustomer {
  reason?: string;
}

export interface CustomerProfiled extends WithCustomer {
  segment?: string;
  name?: string;
  company?: string;
  kind?: CustomerKind;
}

export interface CustomerMerged extends WithCustomer {
  into: CustomerRef;
}

export interface CustomerForgotten extends WithCustomer {
  reason?: string;
}

/** The `data` of each type, keyed by type name. */
export interface EventDataByType {
  'cx.interaction.recorded.v1': InteractionRecorded;
  'cx.purchase.completed.v1': PurchaseCompleted;
  'cx.survey.answered.v1': SurveyAnswered;
  'cx.case.opened.v1': CaseOpened;
  'cx.case.handoff.requested.v1': CaseHandoffRequested;
  'cx.case.handoff.accepted.v1': CaseHandoffAccepted;
  'cx.case.resolved.v1': CaseResolved;
  'cx.case.reopened.v1': CaseReopened;
  'cx.customer.referred.v1': CustomerReferred;
  'cx.customer.churned.v1': CustomerChurned;
  'cx.customer.profiled.v1': CustomerProfiled;
  'cx.customer.merged.v1': CustomerMerged;
  'cx.customer.forgotten.v1': CustomerForgotten;
}

/** Personal fields (SPEC §1.3): encrypted at rest, redacted after erasure. */
export const PERSONAL_FIELDS = ['email', 'phone', 'name', 'summary', 'comment'] as const;
