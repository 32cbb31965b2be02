/**
 * Case ownership and handoffs (SPEC §2.3): a pure domain, no I/O. One fold (case-fold.ts)
 * holds the rules; the views, reports and fact rows are read from it.
 * Named exports only: the rounding helpers in ./rounding stay internal so that they do not
 * clash with the loyalty report's twin when both are re-exported from @cx/views.
 */
export { CASE_EVENT_TYPES, caseIdOf, compareFacts as compareCaseEvents, evolveCase, initialCaseState, toCaseEventFact } from './case-state';
export type { CaseEventFact, CaseEventType, CaseState } from './case-state';
export { DEFAULT_CASE_SETTINGS } from './case-settings';
export type { CaseSettings } from './case-settings';
export { lastSpanSeq, stepCase } from './case-fold';
export type { CaseEffect, CaseFold, CaseOpening, CaseOwner, CaseStep, OwnershipSpan, Resolution } from './case-fold';
export { replayCase } from './case-replay';
export type { CaseTimelineEntry, ReplayedCase } from './case-replay';
export { flagsAt, isStalled, minutesToAccept, msToAccept } from './handoff';
export type { Handoff, HandoffFlag, HandoffOutcome } from './handoff';
export { caseView, viewHandoff, viewOfReplayed } from './case-view';
export type { CaseFlag, CaseHandoff, CaseView } from './case-view';
export { handoffFact, handoffFacts, handoffFactsOf, ownershipIntervals, ownershipIntervalsOf } from './case-facts';
export type { HandoffFact, OwnershipIntervalFact } from './case-facts';
export { caseStatusAt, openCasesAt } from './case-status';
export type { CaseStatusAt } from './case-status';
export { handoffReport, UNKNOWN_CASE_TEAM } from './handoff-report';
export type { HandoffMatrixCell, HandoffReport, HandoffReportWindow, OwnerlessCase, TeamHandoffRow } from './handoff-report';
