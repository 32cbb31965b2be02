import type { CaseCategory } from '@cx/events';
import type { CustomerState, PurchaseFact, SurveyAnswerFact } from './customer-state';
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
 * The customer's cases as of T, replayed in time order: open from `opened` until `resolved`,
 * open again after `reopened`. A case known only from a later status event follows that
 * event (resolved: closed; reopened: open) but has no category, so it is never a complaint.
 */
export function customerCasesAt(state: CustomerState, T: number): CustomerCaseAtTime[] {
  const cases = new Map<string, CustomerCaseAtTime>();
  for (const change of factsUpTo(state.caseChanges, T)) {
    const known = cases.get(change.caseId) ?? { caseId: change.caseId, open: false };
    const firstOpening = change.change === 'opened' && known.openedAt === undefined;
    cases.set(change.caseId, {
      ...known,
      open: change.change !== 'resolved',
      ...(firstOpening ? { openedAt: change.time, category: change.category } : {}),
    });
  }
  return [...cases.values()];
}

/** Ids of the customer's cases open at T, in the order they first appeared. */
export const openCaseIdsAt = (state: CustomerState, T: number): string[] =>
  customerCasesAt(state, T).filter((c) => c.open).map((c) => c.caseId);

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
