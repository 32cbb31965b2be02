/**
 * Key drivers (SPEC §2.5): which experiences move NPS, CSAT and churn. A pure domain, no
 * I/O: the attributes of a customer over a period (from the one case fold, contacts and alert
 * follow-ups), the with/without tallies, impact, share and ranking, and the reference report
 * the SQL must match. Decisions where the SPEC is silent: docs/drivers.md.
 */
export {
  CASE_ATTRIBUTES,
  CHANNEL_ATTRIBUTES,
  channelAttribute,
  DRIVER_ATTRIBUTES,
  FIXED_ATTRIBUTES,
  FOLLOWED_UP_ALERT,
} from './driver-attributes';
export type { CaseAttribute, ChannelAttribute, DriverAttribute, FixedAttribute } from './driver-attributes';
export { DEFAULT_DRIVER_SETTINGS, DRIVER_PERIOD_MS, SLOW_RESOLUTION_MS, UNOWNED_LIMIT_MS, VALUE_TIER_SPAN_MS } from './driver-settings';
export type { DriverSettings } from './driver-settings';
export { answerPeriod, inPeriod, overlapMs, windowPeriod } from './driver-period';
export type { Period } from './driver-period';
export { caseExperience, dormantExperience, wholeCase } from './case-experience';
export type { CaseExperience, WholeCase } from './case-experience';
export {
  caseAttributes,
  channelAttributes,
  customerAttributes,
  customerCaseExperiences,
  followedUpAlert,
  FOLLOW_UP_SIGNALS,
} from './customer-experience';
export type { ExperienceSources } from './customer-experience';
export { caseStates, contactFacts, segmentFacts, toContactFact } from './driver-facts';
export type { AlertFollowUpFact, ContactFact, SegmentFact } from './driver-facts';
export { addToTallies, answerPoints, compareDrivers, driverBlock, DRIVER_OUTCOMES, emptyTallies, sideOf } from './driver-block';
export type { DriverBlock, DriverOutcome, DriverRow, DriverSide, DriverTallies, Tally } from './driver-block';
export { mostUsedCurrency, topCount, valueTiers, VALUE_TIERS } from './value-tiers';
export type { ValueTier } from './value-tiers';
export { DRIVER_GROUP_BYS, driversReport, effectiveTo, UNKNOWN_SEGMENT } from './drivers-report';
export type { DriverGroupBy, DriversFacts, DriversOptions, DriversReport } from './drivers-report';
