import type { AnyLedgerEvent, CaseCategory, Channel, LedgerEvent } from '@cx/events';
import { insertFact, type Moment } from './sorted-facts';

export interface PurchaseFact extends Moment {
  amountMinor: number;
  currency: string;
  channel: Channel;
}

export interface SurveyAnswerFact extends Moment {
  score: number;
}

export interface InteractionFact extends Moment {
  channel: Channel;
}

/**
 * An event of one of the customer's cases. Only opened/resolved/reopened change whether the
 * case is open; a handoff matters when it is the first event seen of the case: the case then
 * exists as an orphan, open (SPEC §2.3), until a resolution.
 */
export interface CaseChangeFact extends Moment {
  caseId: string;
  change: 'opened' | 'resolved' | 'reopened' | 'handoff';
  /** Only on `opened`: a complaint can make the customer `at_risk`. */
  category?: CaseCategory;
}

export interface ProfileFact extends Moment {
  /** Absent when the profile update did not name a segment (the previous one still holds). */
  segment?: string;
}

/**
 * What the lifecycle rules need to know about one customer: the facts themselves rather
 * than running totals, because every rule is evaluated "as of" a time and a late event
 * must take its place by time. Every list is sorted by (time, position), so folding the
 * same events in any order gives an equal state. Plain JSON: a projection stores it as a row.
 * Personal fields (comments, summaries, names) are never copied in.
 */
export interface CustomerState {
  customerId: string;
  purchases: readonly PurchaseFact[];
  surveys: {
    nps: readonly SurveyAnswerFact[];
    csat: readonly SurveyAnswerFact[];
    ces: readonly SurveyAnswerFact[];
  };
  churns: readonly Moment[];
  referrals: readonly Moment[];
  caseChanges: readonly CaseChangeFact[];
  interactions: readonly InteractionFact[];
  profiles: readonly ProfileFact[];
}

/** The lists of the state that hold facts, each sorted by (time, position). */
type FactListKey = Exclude<keyof CustomerState, 'customerId' | 'surveys'>;

export const initialCustomerState = (customerId: string): CustomerState => ({
  customerId,
  purchases: [],
  surveys: { nps: [], csat: [], ces: [] },
  churns: [],
  referrals: [],
  caseChanges: [],
  interactions: [],
  profiles: [],
});

const momentOf = (event: LedgerEvent): Moment => ({ time: event.time, position: event.position });

/** Adds a fact to one list; the same state comes back when the event was already folded. */
function withFact<K extends FactListKey>(state: CustomerState, key: K, fact: CustomerState[K][number]): CustomerState {
  const facts = insertFact<Moment>(state[key], fact);
  return facts === state[key] ? state : { ...state, [key]: facts };
}

function withSurveyAnswer(state: CustomerState, event: LedgerEvent<'cx.survey.answered.v1'>): CustomerState {
  const { survey, score } = event.data;
  // Ingest validates `survey`; an unknown one is ignored rather than breaking the fold.
  if (!Object.prototype.hasOwnProperty.call(state.surveys, survey)) return state;
  const answers = insertFact(state.surveys[survey], { ...momentOf(event), score });
  return answers === state.surveys[survey] ? state : { ...state, surveys: { ...state.surveys, [survey]: answers } };
}

function profileFact(event: LedgerEvent<'cx.customer.profiled.v1'>): ProfileFact {
  const { segment } = event.data;
  // Omit rather than store `undefined`, so the state is the same after a JSON round trip.
  return segment === undefined ? momentOf(event) : { ...momentOf(event), segment };
}

/**
 * Folds one event into the customer's state. Pure, order-independent and idempotent by
 * `position`. The caller passes every event of the customer, including those of anon
 * customers merged into it, so `customerId` is not checked here; `merged` and `forgotten`
 * are bookkeeping written by the system and change nothing in the lifecycle.
 */
export function evolveCustomer(state: CustomerState, event: AnyLedgerEvent): CustomerState {
  const at = momentOf(event);
  switch (event.type) {
    case 'cx.interaction.recorded.v1':
      return withFact(state, 'interactions', { ...at, channel: event.data.channel });
    case 'cx.purchase.completed.v1': {
      const { amountMinor, currency, channel } = event.data;
      return withFact(state, 'purchases', { ...at, amountMinor, currency, channel });
    }
    case 'cx.survey.answered.v1':
      return withSurveyAnswer(state, event);
    case 'cx.case.opened.v1':
      return withFact(state, 'caseChanges', { ...at, caseId: event.data.caseId, change: 'opened', category: event.data.category });
    case 'cx.case.resolved.v1':
      return withFact(state, 'caseChanges', { ...at, caseId: event.data.caseId, change: 'resolved' });
    case 'cx.case.reopened.v1':
      return withFact(state, 'caseChanges', { ...at, caseId: event.data.caseId, change: 'reopened' });
    case 'cx.case.handoff.requested.v1':
    case 'cx.case.handoff.accepted.v1':
      return withFact(state, 'caseChanges', { ...at, caseId: event.data.caseId, change: 'handoff' });
    case 'cx.customer.referred.v1':
      return withFact(state, 'referrals', at);
    case 'cx.customer.churned.v1':
      return withFact(state, 'churns', at);
    case 'cx.customer.profiled.v1':
      return withFact(state, 'profiles', profileFact(event));
    default:
      // cx.customer.merged.v1, cx.customer.forgotten.v1, and any type this view does not know.
      return state;
  }
}

/** Folds a customer's events, in whatever order they come. */
export const foldCustomer = (customerId: string, events: Iterable<AnyLedgerEvent>): CustomerState => {
  let state = initialCustomerState(customerId);
  for (const event of events) state = evolveCustomer(state, event);
  return state;
};

/** Every fact list of the state, for questions about any activity (firstSeen, lastSeen, instants). */
export const allFactLists = (state: CustomerState): readonly (readonly Moment[])[] => [
  state.purchases,
  state.surveys.nps,
  state.surveys.csat,
  state.surveys.ces,
  state.churns,
  state.referrals,
  state.caseChanges,
  state.interactions,
  state.profiles,
];

/**
 * SPEC §1.2 step 4: the named customer takes over an anonymous one's history. The facts
 * are unioned list by list, so merging is order-independent like folding.
 */
export function mergeCustomerStates(into: CustomerState, from: CustomerState): CustomerState {
  const union = <F extends Moment>(a: readonly F[], b: readonly F[]): readonly F[] => b.reduce((facts, fact) => insertFact(facts, fact), a);
  return {
    customerId: into.customerId,
    purchases: union(into.purchases, from.purchases),
    surveys: {
      nps: union(into.surveys.nps, from.surveys.nps),
      csat: union(into.surveys.csat, from.surveys.csat),
      ces: union(into.surveys.ces, from.surveys.ces),
    },
    churns: union(into.churns, from.churns),
    referrals: union(into.referrals, from.referrals),
    caseChanges: union(into.caseChanges, from.caseChanges),
    interactions: union(into.interactions, from.interactions),
    profiles: union(into.profiles, from.profiles),
  };
}
