import type { CaseCategory } from '@cx/events';
import type { CaseChangeFact, CustomerState, PurchaseFact, SurveyAnswerFact } from './customer-state';
import { DEFAULT_LIFECYCLE_SETTINGS, LIFECYCLE_NPS_WINDOW_MS, type LifecycleSettings } from './lifecycle-settings';
import { compareMoments, factsUpTo, latestUpTo } from './sorted-facts';

export const LIFECYCLE_STAGES = ['prospect', 'new', 'active', 'loyal', 'advocate', 'at_risk', 'churned'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/**
 * Time convention (see README): times are integer epoch milliseconds and every "more than"
 * of SPEC §2.1 is strict, so a threshold of `d` after `x` holds from `x + d + 1` on: at
 * exactly `x + d` it does not hold yet.
 */
const isOlderThan = (time: number, T: number, ageMs: number): boolean => T - time > ageMs;

/**
 * The latest NPS answer "in the 90 days up to T": answered at or before T and not more than
 * 90 days before it (strict, like every threshold), so an answer counts through `time + 90d`.
 */
export function latestNpsInWindow(state: CustomerState, T: number): SurveyAnswerFact | undefined {
  const latest = latestUpTo(state.surveys.nps, T);
  return latest && !isOlderThan(latest.time, T, LIFECYCLE_NPS_WINDOW_MS) ? latest : undefined;
}

export interface CustomerCaseAtTime {
  caseId: string;
  open: boolean;
  /** Time of the case's first `opened` event, absent for a case whose opening we never saw. */
  openedAt?: number;
  category?: CaseCategory;
}

/**
 * One case after one more of its events (in time order): open from `opened` until
 * `resolved`, open again after `reopened`. A case first seen through a handoff or a
 * reopening is an orphan, open (SPEC §2.3); one first seen through its resolution is
 * closed. A case whose opening we never saw has no category, so it is never a complaint.
 */
export function caseAfter(known: CustomerCaseAtTime | undefined, change: CaseChangeFact): CustomerCaseAtTime {
  if (change.change === 'handoff') return known ?? { caseId: change.caseId, open: true };
  const current = known ?? { caseId: change.caseId, open: false };
  const firstOpening = change.change === 'opened' && current.openedAt === undefined;
  return {
    ...current,
    open: change.change !== 'resolved',
    ...(firstOpening ? { openedAt: change.time, category: change.category } : {}),
  };
}

/** The customer's cases as of T, replayed in time order with `caseAfter`. */
export function customerCasesAt(state: CustomerState, T: number): CustomerCaseAtTime[] {
  const cases = new Map<string, CustomerCaseAtTime>();
  for (const change of factsUpTo(state.caseChanges, T)) cases.set(change.caseId, caseAfter(cases.get(change.caseId), change));
  return [...cases.values()];
}

/** A stretch of time during which a case is open: from `since` (inclusive) until `until` (exclusive; null: still). */
export interface OpenStretch {
  since: number;
  until: number | null;
}

/**
 * When one case is open, from its events (one case, sorted by time then position): the
 * intervals over which `customerCasesAt` calls it open. Events at the same instant count
 * together, so a case opened and resolved in the same millisecond is never open.
 */
export function caseOpenStretches(changes: readonly CaseChangeFact[]): OpenStretch[] {
  const stretches: OpenStretch[] = [];
  let known: CustomerCaseAtTime | undefined;
  for (const [i, change] of changes.entries()) {
    known = caseAfter(known, change);
    if (changes[i + 1]?.time === change.time) continue;
    const running = stretches.at(-1)?.until === null;
    if (known.open && !running) stretches.push({ since: change.time, until: null });
    if (!known.open && running) stretches[stretches.length - 1].until = change.time;
  }
  return stretches;
}

/** Ids of the customer's cases open at T, in the order they first appeared. */
export const openCaseIdsAt = (state: CustomerState, T: number): string[] =>
  customerCasesAt(state, T)
    .filter((c) => c.open)
    .map((c) => c.caseId);

/** Rule 3, third alternative: a complaint opened more than the complaint age before T, still open at T. */
function hasAgedOpenComplaint(state: CustomerState, T: number, settings: LifecycleSettings): boolean {
  return customerCasesAt(state, T).some(
    (c) => c.open && c.category === 'complaint' && c.openedAt !== undefined && isOlderThan(c.openedAt, T, settings.complaintAtRiskAgeMs),
  );
}

/** Rule 2: an explicit cancellation after the last purchase (SPEC §2 order: time, then position), or long inactivity. */
function isChurned(state: CustomerState, last: PurchaseFact, T: number, settings: LifecycleSettings): boolean {
  const lastChurn = latestUpTo(state.churns, T);
  const cancelledSinceLastPurchase = lastChurn !== undefined && compareMoments(lastChurn, last) > 0;
  return cancelledSinceLastPurchase || isOlderThan(last.time, T, settings.churnInactivityMs);
}

/** Rule 3: inactive, or a recent detractor, or a complaint left unresolved too long. */
function isAtRisk(state: CustomerState, last: PurchaseFact, T: number, settings: LifecycleSettings): boolean {
  const nps = latestNpsInWindow(state, T);
  return (
    isOlderThan(last.time, T, settings.atRiskInactivityMs) ||
    (nps !== undefined && nps.score <= 6) ||
    hasAgedOpenComplaint(state, T, settings)
  );
}

/** Rule 4: a recent promoter who has made a referral (at any time up to T). */
function isAdvocate(state: CustomerState, T: number): boolean {
  const nps = latestNpsInWindow(state, T);
  return nps !== undefined && nps.score >= 9 && factsUpTo(state.referrals, T).length > 0;
}

/** Rule 5. */
const stageByPurchaseCount = (count: number): LifecycleStage => (count >= 3 ? 'loyal' : count === 2 ? 'active' : 'new');

/** The customer's stage at T (SPEC §2.1): rules 1 to 5 in order, the first that matches wins. */
export function stageAt(state: CustomerState, T: number, settings: LifecycleSettings = DEFAULT_LIFECYCLE_SETTINGS): LifecycleStage {
  const purchases = factsUpTo(state.purchases, T);
  const last = purchases.at(-1);
  if (last === undefined) return 'prospect';
  if (isChurned(state, last, T, settings)) return 'churned';
  if (isAtRisk(state, last, T, settings)) return 'at_risk';
  if (isAdvocate(state, T)) return 'advocate';
  return stageByPurchaseCount(purchases.length);
}
