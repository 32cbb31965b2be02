import { allFactLists, type CustomerState } from './customer-state';
import { DEFAULT_LIFECYCLE_SETTINGS, LIFECYCLE_NPS_WINDOW_MS, type LifecycleSettings } from './lifecycle-settings';
import { factsUpTo } from './sorted-facts';
import { stageAt, type LifecycleStage } from './stage-rules';

export interface StageChange {
  stage: LifecycleStage;
  /** The first millisecond at which the customer is in `stage` (epoch milliseconds). */
  since: number;
}

/** The first instant at which a strict "more than `ageMs` after `time`" holds (integer milliseconds). */
const pastThreshold = (time: number, ageMs: number): number => time + ageMs + 1;

/** The time of the customer's first event of any kind (merged/forgotten are not kept). */
function firstActivity(state: CustomerState): number | undefined {
  const firsts = allFactLists(state).flatMap((facts) => (facts.length ? [facts[0].time] : []));
  return firsts.length ? Math.min(...firsts) : undefined;
}

/**
 * Every instant at which the stage can change. Between two of them no rule input changes:
 * the stage only depends on which events happened by T and on thresholds relative to them.
 * The history starts at the customer's first activity (usually as a `prospect`).
 */
function stageChangeCandidates(state: CustomerState, settings: LifecycleSettings): number[] {
  const first = firstActivity(state);
  if (first === undefined) return [];
  const instants = [
    first,
    ...state.purchases.flatMap((p) => [
      p.time,
      pastThreshold(p.time, settings.atRiskInactivityMs),
      pastThreshold(p.time, settings.churnInactivityMs),
    ]),
    ...state.surveys.nps.flatMap((a) => [a.time, pastThreshold(a.time, LIFECYCLE_NPS_WINDOW_MS)]),
    ...state.caseChanges.map((c) => c.time),
    ...state.caseChanges
      .filter((c) => c.change === 'opened' && c.category === 'complaint')
      .map((c) => pastThreshold(c.time, settings.complaintAtRiskAgeMs)),
    ...state.churns.map((c) => c.time),
    ...state.referrals.map((r) => r.time),
  ];
  return [...new Set(instants)].sort((a, b) => a - b);
}

/**
 * Every change of stage up to `asOf`, oldest first. Each `since` is the first millisecond
 * at which the new stage holds, so `stageAt(state, since) === stage` and
 * `stageAt(state, since - 1)` is the previous stage.
 */
export function stageHistory(
  state: CustomerState,
  asOf: number,
  settings: LifecycleSettings = DEFAULT_LIFECYCLE_SETTINGS,
): StageChange[] {
  const history: StageChange[] = [];
  for (const instant of stageChangeCandidates(state, settings)) {
    if (instant > asOf) break;
    const stage = stageAt(state, instant, settings);
    if (history.at(-1)?.stage !== stage) history.push({ stage, since: instant });
  }
  return history;
}

/**
 * The next change of stage strictly after `after`, assuming no new event arrives: for a
 * projection that stores the current stage and must know when to look again.
 */
export function nextStageChangeAfter(
  state: CustomerState,
  after: number,
  settings: LifecycleSettings = DEFAULT_LIFECYCLE_SETTINGS,
): StageChange | null {
  const current = stageAt(state, after, settings);
  for (const instant of stageChangeCandidates(state, settings)) {
    if (instant <= after) continue;
    const stage = stageAt(state, instant, settings);
    if (stage !== current) return { stage, since: instant };
  }
  return null;
}

/** From a history already computed: did a purchase up to `asOf` come after the customer first churned? */
export function wonBackFromHistory(state: CustomerState, history: readonly StageChange[], asOf: number): boolean {
  const firstChurned = history.find((change) => change.stage === 'churned');
  const lastPurchase = factsUpTo(state.purchases, asOf).at(-1);
  return firstChurned !== undefined && lastPurchase !== undefined && lastPurchase.time > firstChurned.since;
}

/**
 * True once a purchase follows a time when the customer was `churned` (SPEC §2.1), and it
 * stays true after that even if the customer churns again: the customer *was* won back.
 */
export const wonBack = (
  state: CustomerState,
  asOf: number,
  settings: LifecycleSettings = DEFAULT_LIFECYCLE_SETTINGS,
): boolean => wonBackFromHistory(state, stageHistory(state, asOf, settings), asOf);
