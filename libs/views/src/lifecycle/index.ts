export type { Moment as LifecycleMoment } from './sorted-facts';
export { DEFAULT_LIFECYCLE_SETTINGS, LIFECYCLE_DAY_MS, LIFECYCLE_NPS_WINDOW_MS, type LifecycleSettings } from './lifecycle-settings';
export {
  allFactLists,
  evolveCustomer,
  foldCustomer,
  initialCustomerState,
  mergeCustomerStates,
  type CaseChangeFact,
  type CustomerState,
  type InteractionFact,
  type ProfileFact,
  type PurchaseFact,
  type SurveyAnswerFact,
} from './customer-state';
export {
  caseAfter,
  caseOpenStretches,
  customerCasesAt,
  latestNpsInWindow,
  LIFECYCLE_STAGES,
  openCaseIdsAt,
  stageAt,
  type CustomerCaseAtTime,
  type OpenStretch,
  type LifecycleStage,
} from './stage-rules';
export { nextStageChangeAfter, stageChangesFrom, stageHistory, wonBack, wonBackFromHistory, type StageChange } from './stage-history';
export {
  customerActivity,
  customerView,
  customerViewOf,
  type CustomerActivity,
  type CustomerView,
  type SurveyAnswerView,
} from './customer-view';
