/** The parts of the API's answers (SPEC §2, §3) the page reads. */

export const STAGES = ['prospect', 'new', 'active', 'loyal', 'advocate', 'at_risk', 'churned'] as const;
export type Stage = (typeof STAGES)[number];

export interface LifecycleReport {
  asOf: string;
  total: number;
  stages: Record<Stage, number>;
}

export interface CustomerRow {
  customerId: string;
  stage: Stage;
  segment: string | null;
  firstSeen: string;
  lastSeen: string;
  purchases: number;
}

export interface CustomerList {
  asOf: string;
  customers: CustomerRow[];
  nextCursor: string | null;
}

export interface LoyaltyBlocks {
  nps: { responses: number; promoters: number; passives: number; detractors: number; score: number | null };
  csat: { responses: number; satisfied: number; score: number | null };
  ces: { responses: number; mean: number | null };
  purchases: {
    orders: number;
    customers: number;
    repeatCustomers: number;
    repeatRate: number | null;
    revenueMinor: Record<string, number>;
  };
  referrals: { count: number };
  churn: { customersAtStart: number; churned: number; rate: number | null };
  cases: { opened: number; resolved: number; firstContactResolution: number | null; meanResolutionHours: number | null };
}

export interface LoyaltyReport {
  from: string;
  to: string;
  groupBy: string | null;
  blocks?: LoyaltyBlocks;
  groups?: Record<string, Partial<LoyaltyBlocks>>;
}

export interface CohortReport {
  cohorts: Array<{
    cohort: string;
    customers: number;
    months: Array<{ month: string; offset: number; customers: number; percent: number | null }>;
  }>;
}

export interface TeamRow {
  team: string;
  handoffsOut: number;
  handoffsIn: number;
  medianMinutesToAccept: number | null;
  stalledNow: number;
  openOwned: number;
  pingPongs: number;
  resolved: number;
}

export interface MatrixCell {
  fromTeam: string;
  toTeam: string;
  count: number;
  medianMinutesToAccept: number | null;
}

export interface OwnerlessCase {
  caseId: string;
  customerId: string;
  unownedSince: string;
  pendingTeam: string | null;
}

export interface HandoffReport {
  teams: TeamRow[];
  matrix: MatrixCell[];
  ownerless: OwnerlessCase[];
  totals: { handoffs: number; medianMinutesToAccept: number | null; unownedHours: number };
}

export interface CaseView {
  caseId: string;
  status: string;
  owner: { team: string } | null;
  pendingTeam: string | null;
  unownedMinutes: number;
  reopenCount: number;
  handoffs: Array<{
    fromTeam: string;
    toTeam: string;
    requestedAt: string | null;
    acceptedBy: string | null;
    outcome: string;
    minutesToAccept: number | null;
    flags?: string[];
  }>;
}

export interface Alert {
  id: string;
  signal: string;
  status: string;
  customerId: string;
  caseId: string | null;
  raisedAt: string;
  team: string | null;
}

export interface AlertPage {
  alerts: Alert[];
  nextCursor: string | null;
}

export interface ClosedLoopBlock {
  raised: number;
  followedUp: number;
  followedUpWithinSla: { count: number; percent: number | null };
  medianFollowUpMinutes: number | null;
  overdueNow: number;
}

export interface ClosedLoopReport {
  totals: ClosedLoopBlock;
  groups: Record<string, ClosedLoopBlock>;
}

export const OUTCOMES = ['nps', 'csat', 'churn'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** NPS and CSAT count responses and a score; churn counts customers and a rate. */
export interface DriverSide {
  responses?: number;
  score?: number | null;
  customers?: number;
  rate?: number | null;
}

export interface DriverRow {
  attribute: string;
  with: DriverSide;
  without: DriverSide;
  impact: number | null;
  share: number | null;
}

export interface DriverBlock {
  overall: DriverSide;
  drivers: DriverRow[];
}

/** One block over everyone, or (with groupBy) a block for each group someone falls in. */
export type DriversReport = { outcome: Outcome; groupBy: string | null; currency: string | null } & (
  (DriverBlock & { groups?: undefined }) | { groups: Partial<Record<string, DriverBlock>> }
);

export interface Answer {
  score: number;
  time: string;
}

export interface CustomerView {
  customerId: string;
  stage: Stage;
  segment: string | null;
  stageHistory: Array<{ stage: Stage; since: string }>;
  wonBack: boolean;
  firstSeen: string;
  lastSeen: string;
  interactions: { count: number };
  purchases: { count: number; revenueMinor: Record<string, number> };
  openCases: number;
  nps: Answer | null;
  csat: Answer | null;
  ces: Answer | null;
  referrals: number;
}

export interface TimelineEntry {
  type: string;
  time: string;
  data?: Record<string, unknown>;
}

export interface Timeline {
  events: TimelineEntry[];
  nextCursor: string | null;
}
