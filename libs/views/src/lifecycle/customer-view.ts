import { allFactLists, type CustomerState, type SurveyAnswerFact } from './customer-state';
import { DEFAULT_LIFECYCLE_SETTINGS, type LifecycleSettings } from './lifecycle-settings';
import { factsUpTo, latestUpTo } from './sorted-facts';
import { stageHistory, wonBackFromHistory, type StageChange } from './stage-history';
import { openCaseIdsAt, type LifecycleStage } from './stage-rules';

/** A survey answer as the view shows it. Times are epoch milliseconds; the API formats them. */
export interface SurveyAnswerView {
  score: number;
  time: number;
}

/** The customer lifecycle view of SPEC §2.1 as of `asOf` (the paged timeline is read from the store). */
export interface CustomerView {
  customerId: string;
  asOf: number;
  stage: LifecycleStage;
  stageHistory: StageChange[];
  wonBack: boolean;
  /** Time of the first and latest event of any kind except merged/forgotten; null without any. */
  firstSeen: number | null;
  lastSeen: number | null;
  interactions: { count: number; byChannel: Record<string, number> };
  purchases: { count: number; revenueMinor: Record<string, number> };
  /** Number of the customer's cases open at `asOf`. */
  openCases: number;
  nps: SurveyAnswerView | null;
  csat: SurveyAnswerView | null;
  ces: SurveyAnswerView | null;
  /** The segment of the latest profile update that named one. */
  segment: string | null;
  /** Referrals the customer made. */
  referrals: number;
}

function seenRange(state: CustomerState, asOf: number): { firstSeen: number | null; lastSeen: number | null } {
  const seen = allFactLists(state)
    .map((facts) => factsUpTo(facts, asOf))
    .filter((facts) => facts.length > 0);
  if (seen.length === 0) return { firstSeen: null, lastSeen: null };
  return {
    firstSeen: Math.min(...seen.map((facts) => facts[0].time)),
    lastSeen: Math.max(...seen.map((facts) => facts[facts.length - 1].time)),
  };
}

/** Adds one to `counts[key]` (or `amount`), keeping the counts a plain JSON object. */
function addTo(counts: Record<string, number>, key: string, amount = 1): Record<string, number> {
  counts[key] = (counts[key] ?? 0) + amount;
  return counts;
}

function interactionsAsOf(state: CustomerState, asOf: number): CustomerView['interactions'] {
  const interactions = factsUpTo(state.interactions, asOf);
  const byChannel = interactions.reduce<Record<string, number>>((counts, i) => addTo(counts, i.channel), {});
  return { count: interactions.length, byChannel };
}

function purchasesAsOf(state: CustomerState, asOf: number): CustomerView['purchases'] {
  const purchases = factsUpTo(state.purchases, asOf);
  const revenueMinor = purchases.reduce<Record<string, number>>((sums, p) => addTo(sums, p.currency, p.amountMinor), {});
  return { count: purchases.length, revenueMinor };
}

function latestAnswer(answers: readonly SurveyAnswerFact[], asOf: number): SurveyAnswerView | null {
  const latest = latestUpTo(answers, asOf);
  return latest ? { score: latest.score, time: latest.time } : null;
}

function segmentAsOf(state: CustomerState, asOf: number): string | null {
  const named = factsUpTo(state.profiles, asOf).filter((p) => p.segment !== undefined);
  return named.at(-1)?.segment ?? null;
}

/**
 * Everything the view shows besides the stages, as of its `asOf`: folded from a state here,
 * read from indexed rows by the API.
 */
export type CustomerActivity = Omit<CustomerView, 'customerId' | 'asOf' | 'stage' | 'stageHistory' | 'wonBack'> & {
  /** Time of the latest purchase up to `asOf`, if any: for `wonBack`. */
  lastPurchaseTime?: number;
};

/** The activity part of the view, from a folded state. */
export function customerActivity(state: CustomerState, asOf: number): CustomerActivity {
  return {
    ...seenRange(state, asOf),
    interactions: interactionsAsOf(state, asOf),
    purchases: purchasesAsOf(state, asOf),
    openCases: openCaseIdsAt(state, asOf).length,
    nps: latestAnswer(state.surveys.nps, asOf),
    csat: latestAnswer(state.surveys.csat, asOf),
    ces: latestAnswer(state.surveys.ces, asOf),
    segment: segmentAsOf(state, asOf),
    referrals: factsUpTo(state.referrals, asOf).length,
    lastPurchaseTime: latestUpTo(state.purchases, asOf)?.time,
  };
}

/**
 * The view from its parts: `history` is the stage history up to `asOf` (the stage at `asOf`
 * is its last entry: between two changes the stage holds; no entry means no activity yet,
 * so no purchase: `prospect`).
 */
export function customerViewOf(customerId: string, asOf: number, history: StageChange[], activity: CustomerActivity): CustomerView {
  const { lastPurchaseTime, ...shown } = activity;
  return {
    customerId,
    asOf,
    stage: history.at(-1)?.stage ?? 'prospect',
    stageHistory: history,
    wonBack: wonBackFromHistory(history, lastPurchaseTime),
    ...shown,
  };
}

/** The customer's lifecycle view: only events with `time <= asOf` count. */
export function customerView(state: CustomerState, asOf: number, settings: LifecycleSettings = DEFAULT_LIFECYCLE_SETTINGS): CustomerView {
  return customerViewOf(state.customerId, asOf, stageHistory(state, asOf, settings), customerActivity(state, asOf));
}
