import type { CaseEventFact, CaseState } from '@cx/views';

/**
 * Cases kept: twice a hot customer's 90 days of cases (the bench's has about 820). A kept
 * state holds its replays, about 3.4 KB: 7 MB at most, little for the collector to mark.
 */
const CAPACITY = 2_048;

/**
 * The case states the drivers projection read lately, by case id. The rules keep a state's
 * replay with the state object (see caseExperience in @cx/views), so a state handed out again
 * is not replayed again: a hot customer's batch then replays the cases its events changed,
 * not every case of its answers' 90 days, read again for each batch. A state is handed out
 * again only when the stored events read now are the same facts (positions, times, teams and
 * the customers they stand for now), so a rolled-back batch or a merge never leaves a stale one.
 */
export class RecentCaseStates {
  private readonly states = new Map<string, CaseState>();

  /** The kept state of this case if it holds exactly these facts; else `state`, kept from now on. */
  reuse(state: CaseState): CaseState {
    const kept = this.states.get(state.caseId);
    const chosen = kept && sameFacts(kept.events, state.events) ? kept : state;
    // Re-inserted, so the least recently read case is the first to go.
    this.states.delete(state.caseId);
    this.states.set(state.caseId, chosen);
    const leastRecent = this.states.keys().next();
    if (this.states.size > CAPACITY && !leastRecent.done) this.states.delete(leastRecent.value);
    return chosen;
  }
}

/** Every field of a fact: a field added to CaseEventFact must be added here (the type says so). */
const EVERY_FIELD: Record<keyof CaseEventFact, true> = {
  position: true,
  time: true,
  type: true,
  customerId: true,
  team: true,
  agentId: true,
  fromTeam: true,
  toTeam: true,
  channel: true,
  category: true,
};
const FACT_FIELDS = Object.keys(EVERY_FIELD) as Array<keyof CaseEventFact>;

const sameFacts = (a: readonly CaseEventFact[], b: readonly CaseEventFact[]): boolean =>
  a.length === b.length && a.every((fact, i) => FACT_FIELDS.every((field) => fact[field] === b[i][field]));
