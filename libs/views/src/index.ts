export * from './cases';
export { caseFacts, cohortReport, loyaltyReport, orderFacts, referralFacts, roundHalfAwayFromZero, roundRatio, surveyFacts, toOrderFact, toReferralFact, toSurveyFact, UNKNOWN_GROUP, type CaseFact, type CasesBlock, type CesBlock, type ChurnBlock, type Cohort, type CohortMonth, type CohortReport, type CsatBlock, type LoyaltyBlocks, type LoyaltyFacts, type LoyaltyGroupBlocks, type LoyaltyGroupBy, type LoyaltyReport, type LoyaltyReportOptions, type NpsBlock, type OrderFact, type PurchasesBlock, type ReferralFact, type ReferralsBlock, type SegmentOf, type Stage as LoyaltyStage, type StageOf, type SurveyFact } from './loyalty';
export * from './lifecycle';
export * from './alerts';
export * from './drivers';
