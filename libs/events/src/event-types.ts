/** The catalogue of SPEC §1.3: every event type CX Ledger accepts. */
export const EVENT_TYPES = [
  'cx.interaction.recorded.v1',
  'cx.purchase.completed.v1',
  'cx.survey.answered.v1',
  'cx.case.opened.v1',
  'cx.case.handoff.requested.v1',
  'cx.case.handoff.accepted.v1',
  'cx.case.resolved.v1',
  'cx.case.reopened.v1',
  'cx.customer.referred.v1',
  'cx.customer.churned.v1',
  'cx.customer.profiled.v1',
  'cx.customer.merged.v1',
  'cx.customer.forgotten.v1',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

const known = new Set<string>(EVENT_TYPES);
export const isEventType = (type: unknown): type is EventType => typeof type === 'string' && known.has(type);

export const CHANNELS = [
  'phone',
  'email',
  'chat',
  'web',
  'app',
  'social',
  'store',
  'letter',
  'field_service',
  'delivery',
  'other',
] as const;
export type Channel = (typeof CHANNELS)[number];

export const DIRECTIONS = ['inbound', 'outbound'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const SURVEYS = ['nps', 'csat', 'ces'] as const;
export type Survey = (typeof SURVEYS)[number];

export const CASE_CATEGORIES = ['complaint', 'inquiry', 'request', 'incident'] as const;
export type CaseCategory = (typeof CASE_CATEGORIES)[number];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const CUSTOMER_KINDS = ['b2c', 'b2b'] as const;
export type CustomerKind = (typeof CUSTOMER_KINDS)[number];
