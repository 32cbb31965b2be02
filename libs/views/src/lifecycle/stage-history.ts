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
export function stageHistory(state: CustomerState, asOf: number, settings: LifecycleSettings = DEFAULT_LIFECYCLE_SETTINGS): StageChange[] {
  const first = firstActivity(state);
  if (first === undefined) return [];
  return stageChangesFrom(state, first, undefined, settings).filter((change) => change.since <= asOf);
}

/**
 * The changes of stage from `from` on, given the stage just before it (`before`; undefined
 * when the customer had no activity before `from`). `state` need only hold the facts that
 * decide the stage at instants from `from` on (see `stageFactsFrom` in the projection): the
 * history before `from` is unchanged by facts dated later, so a projection recomputes only
 * this tail when an event arrives.
 */
export function stageChangesFrom(
  state: CustomerState,
  from: number,
  before: LifecycleStage | undefined,
  settings: LifecycleSettings = DEFAULT_LIFECYCLE_SETTINGS,
): StageChange[] {
  const changes: StageChange[] = [];
  let current = before;
  for (const instant of [from, ...stageChangeCandidates(state, settings).filter((instant) => instant > from)]) {
    const stage = stageAt(state, instant, settings);
    if (stage !== current) changes.push({ stage, since: instant });
    current = stage;
  }
  return changes;
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

/** From a history already computed: did the latest purchase up to `asOf` come after the customer first churned? */
export function wonBackFromHistory(history: readonly StageChange[], lastPurchaseTime: number | undefined): boolean {
  const firstChurned = history.find((change) => change.stage === 'churned');
  return firstChurned !== undefined && lastPurchaseTime !== undefined && lastPurchaseTime > firstChurned.since;
}

/**
 * True once a purchase follows a time when the customer was `churned` (SPEC §2.1), and it
 * stays true after that even if the customer churns again: the customer *was* won back.
 */
export const wonBack = (state: CustomerState, asOf: number, settings: LifecycleSettings = DEFAULT_LIFECYCLE_SETTINGS): boolean =>
  wonBackFromHistory(stageHistory(state, asOf, settings), factsUpTo(state.purchases, asOf).at(-1)?.time);
