/**
 * Alerts and the closed loop (SPEC §2.4): a pure domain, no I/O. Signals are functions of a
 * customer's or a case's facts; ids, follow-ups, status and the closed-loop report too.
 */
export {
  ALERT_SIGNALS,
  ALERT_STATUSES,
  alertId,
  alertIdText,
  CASE_SIGNALS,
  CUSTOMER_SIGNALS,
  followUpMinutes,
  isCaseSignal,
} from './alert';
export type { Alert, AlertDetail, AlertSignal, AlertStatus, CaseSignal, CustomerSignal, FollowUp } from './alert';
export { DEFAULT_ALERT_SETTINGS } from './alert-settings';
export type { AlertSettings } from './alert-settings';
export { alertAsOf, alertStatusAt } from './alert-status';
export { customerAlerts, customerFollowUp, isDetractorAnswer, sortAlerts } from './customer-signals';
export type { CustomerAnswer, CustomerSignalFacts, OutboundContact } from './customer-signals';
export { caseAlerts, caseFollowUp, caseOwnerAt, stalledAt } from './case-signals';
export {
  CLOSED_LOOP_GROUP_BYS,
  closedLoopBlockOf,
  closedLoopReport,
  groupKey,
  nextNpsAnswer,
  UNKNOWN_ALERT_GROUP,
} from './closed-loop-report';
export type {
  ClosedLoopAlert,
  ClosedLoopBlock,
  ClosedLoopGroupBy,
  ClosedLoopOptions,
  ClosedLoopReport,
  ClosedLoopTally,
  NpsAnswerMoment,
  NpsOutcome,
  NpsTally,
} from './closed-loop-report';
export { answerOf, canonicalCustomers, ledgerAlerts, outboundOf } from './ledger-alerts';
export { alertData } from './alert-data';
export type { AlertData } from './alert-data';
