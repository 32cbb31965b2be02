/**
 * Loyalty report (SPEC §2.2): fact rows extracted from events, and the pure reference report
 * over them that the SQL aggregation must match. See README.md for the decisions.
 */
export { toOrderFact, toReferralFact, toSurveyFact, orderFacts, referralFacts, surveyFacts } from './facts';
export type { OrderFact, ReferralFact, SurveyFact } from './facts';
export { caseFacts, caseFactsByTime } from './case-facts';
export type { CaseFact } from './case-facts';
export { loyaltyReport, UNKNOWN_GROUP } from './loyalty-report';
export type {
  LoyaltyBlocks,
  LoyaltyFacts,
  LoyaltyGroupBlocks,
  LoyaltyGroupBy,
  LoyaltyReport,
  LoyaltyReportOptions,
  SegmentOf,
  Stage,
  StageOf,
} from './loyalty-report';
export type { CasesBlock, CesBlock, ChurnBlock, CsatBlock, NpsBlock, PurchasesBlock, ReferralsBlock } from './blocks';
export { cohortReport } from './cohorts';
export type { Cohort, CohortMonth, CohortReport } from './cohorts';
export { roundHalfAwayFromZero, roundRatio } from './rounding';
