/**
 * The parts of the API's answers (SPEC §2, §3) the page reads. Where an answer carries a
 * view's block as it is, the type is the view's (type imports: nothing of @cx/views reaches
 * the browser); times, epoch ms in the views, are RFC 3339 strings in the JSON.
 */
import type {
  ClosedLoopBlock,
  Cohort,
  DriverBlock,
  DriverOutcome,
  HandoffMatrixCell,
  LifecycleStage,
  LoyaltyBlocks,
  OwnerlessCase as OwnerlessCaseView,
  TeamHandoffRow,
} from '@cx/views';

export type { ClosedLoopBlock, DriverBlock, DriverRow, DriverSide, LoyaltyBlocks } from '@cx/views';

export type Stage = LifecycleStage;
/** The stages in the order the page lists them (the lifecycle's order, SPEC §2.1). */
export const STAGES: readonly Stage[] = ['prospect', 'new', 'active', 'loyal', 'advocate', 'at_risk', 'churned'];

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

export interface LoyaltyReport {
  from: string;
  to: string;
  groupBy: string | null;
  blocks?: LoyaltyBlocks;
  groups?: Record<string, Partial<LoyaltyBlocks>>;
}

export interface CohortReport {
  cohorts: Cohort[];
}

export type TeamRow = TeamHandoffRow;
export type MatrixCell = HandoffMatrixCell;
export type OwnerlessCase = Omit<OwnerlessCaseView, 'unownedSince'> & { unownedSince: string };

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

export interface ClosedLoopReport {
  totals: ClosedLoopBlock;
  groups: Record<string, ClosedLoopBlock>;
}

export type Outcome = DriverOutcome;
export const OUTCOMES: readonly Outcome[] = ['nps', 'csat', 'churn'];

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
