/**
 * Case ownership and handoffs (SPEC §2.3): a pure domain, no I/O.
 * Named exports only: the rounding helpers in ./rounding stay internal so that they do not
 * clash with the loyalty report's twin when both are re-exported from @cx/views.
 */
export { CASE_EVENT_TYPES, caseIdOf, evolveCase, initialCaseState } from './case-state';
export type { CaseEventFact, CaseEventType, CaseState } from './case-state';
export { DEFAULT_CASE_SETTINGS } from './case-settings';
export type { CaseSettings } from './case-settings';
export type { CaseEffect, CaseOwner, CaseTimelineEntry, HandoffFlag, HandoffOutcome } from './case-replay';
export { caseView } from './case-view';
export type { CaseFlag, CaseHandoff, CaseView } from './case-view';
export { handoffFacts, ownershipIntervals } from './case-facts';
export type { HandoffFact, OwnershipIntervalFact } from './case-facts';
export { handoffReport, UNKNOWN_CASE_TEAM } from './handoff-report';
export type {
  HandoffMatrixCell,
  HandoffReport,
  HandoffReportWindow,
  OwnerlessCase,
  TeamHandoffRow,
} from './handoff-report';
