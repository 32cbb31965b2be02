import type { AnyLedgerEvent, CustomerRef, EventDataByType, EventType } from '@cx/events';
import { present } from '@cx/views/testing';

const DAY = 86_400_000;
const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1);
/** The ledger's events spread over this many days of event time. */
const SPAN_DAYS = 120;
const TEAMS = ['billing', 'support', 'tech'] as const;

type Data<T extends EventType> = Omit<EventDataByType[T], 'customer'>;
type Activity = { [T in EventType]: { type: T; customerId: string; data: Data<T> } }[EventType];

interface Merge {
  from: string;
  into: string;
}

/** A small linear congruential generator: the same seed gives the same ledger. */
class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }

  next(): number {
    this.state = (this.state * 1_664_525 + 1_013_904_223) >>> 0;
    return this.state / 2 ** 32;
  }

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }
}

/**
 * Who takes part: named customers, anonymous ones (each merged into a named one at some
 * point), a few named ones merged into an earlier named one (so merges chain: an anonymous
 * customer merged into B follows B into C), and cases shared by two customers.
 */
class Cast {
  readonly named: string[];
  readonly anonymous: string[];
  readonly cases: Map<string, [string, string]>;
  /** Merges by the index of the event that is the merge: each customer is merged at most once, so merges form trees. */
  readonly merges = new Map<number, Merge>();

  constructor(
    private readonly random: Random,
    count: number,
  ) {
    this.named = Array.from({ length: 12 }, (_, i) => `c-${i}`);
    this.anonymous = Array.from({ length: 10 }, () => `anon-${Array.from({ length: 16 }, () => random.int(16).toString(16)).join('')}`);
    this.cases = new Map(
      Array.from({ length: Math.max(8, Math.floor(count / 25)) }, (_, i) => [
        `k-${i}`,
        [random.pick(this.everyone), random.pick(this.everyone)],
      ]),
    );
    for (const from of this.anonymous) this.planMerge(count, { from, into: random.pick(this.named) });
    for (let i = this.named.length / 2; i < this.named.length; i += 1) {
      if (random.chance(0.5)) this.planMerge(count, { from: this.named[i], into: this.named[random.int(i)] });
    }
  }

  get everyone(): string[] {
    return [...this.named, ...this.anonymous];
  }

  /** Somewhere in the middle of the ledger, so that the customer has events before and after. */
  private planMerge(count: number, merge: Merge): void {
    let at = Math.floor(count * 0.2) + this.random.int(Math.floor(count * 0.7));
    while (this.merges.has(at)) at += 1;
    this.merges.set(at, merge);
  }
}

/**
 * A seeded ledger, in global order, for the tests of projections applied by concurrent
 * partition batches: few customers and many shared entities, so that batches of different
 * partitions meet often. It holds merges (chained too), late events of merged customers
 * (under their own id, after the merge), order ids sent again by the same and by other
 * customers, and cases whose events come from two customers' streams. Event times run
 * forward with the position, but one event in seven is late by up to 20 days.
 */
export function randomLedger(count: number, seed: number): AnyLedgerEvent[] {
  const random = new Random(seed);
  const cast = new Cast(random, count);
  const revisions = new Map<string, number>();
  return Array.from({ length: count }, (_, index) => {
    const merge = cast.merges.get(index);
    const activity: Activity = merge
      ? { type: 'cx.customer.merged.v1', customerId: merge.from, data: { into: { id: merge.into } } }
      : randomActivity(random, cast, count);
    const revision = revisions.get(activity.customerId) ?? 0;
    revisions.set(activity.customerId, revision + 1);
    const position = index + 1;
    return {
      position,
      streamId: activity.customerId,
      revision,
      customerId: activity.customerId,
      id: `evt-${seed}-${position}`,
      source: merge ? '/cx-ledger/identity' : '/channels/test',
      type: activity.type,
      time: eventTime(random, index, count, merge !== undefined),
      recordedAt: T0 + SPAN_DAYS * DAY + position * 1000,
      data: { customer: merge ? { id: merge.from } : customerRef(activity.customerId), ...activity.data },
    } as AnyLedgerEvent;
  });
}

/** Whole minutes, so that events share instants and ties fall to the position. */
function eventTime(random: Random, index: number, count: number, merge: boolean): number {
  const onTime = T0 + Math.floor(((index / count) * SPAN_DAYS * DAY) / MINUTE) * MINUTE;
  const late = !merge && random.chance(1 / 7) ? random.int(20 * 24 * 60) * MINUTE : 0;
  return onTime - late;
}

const customerRef = (customerId: string): CustomerRef =>
  customerId.startsWith('anon-') ? { email: `${customerId.slice(5)}@example.com` } : { id: customerId };

function randomActivity(random: Random, cast: Cast, count: number): Activity {
  const customerId = random.pick(cast.everyone);
  const roll = random.next();
  if (roll < 0.35) return caseActivity(random, cast);
  if (roll < 0.55) {
    // Few order ids: re-sent completions, by the same customer or by another one.
    const data = {
      orderId: `o-${random.int(Math.floor(count / 6))}`,
      amountMinor: random.int(100_000),
      currency: random.pick(['EUR', 'USD']),
      channel: random.pick(['web', 'store', 'app'] as const),
    };
    return { type: 'cx.purchase.completed.v1', customerId, data };
  }
  if (roll < 0.65) return { type: 'cx.survey.answered.v1', customerId, data: surveyAnswer(random, cast) };
  if (roll < 0.8)
    return {
      type: 'cx.interaction.recorded.v1',
      customerId,
      data: { channel: random.pick(['phone', 'email', 'chat'] as const), direction: 'inbound', team: random.pick(TEAMS) },
    };
  if (roll < 0.88)
    return {
      type: 'cx.customer.profiled.v1',
      customerId,
      data: random.chance(0.8) ? { segment: random.pick(['gold', 'silver', 'bronze']) } : {},
    };
  if (roll < 0.94) return { type: 'cx.customer.referred.v1', customerId, data: { channel: random.pick(['web', 'app'] as const) } };
  return { type: 'cx.customer.churned.v1', customerId, data: { reason: 'cancelled' } };
}

function surveyAnswer(random: Random, cast: Cast): Data<'cx.survey.answered.v1'> {
  const survey = random.pick(['nps', 'csat', 'ces'] as const);
  const score = survey === 'nps' ? random.int(11) : 1 + random.int(survey === 'csat' ? 5 : 7);
  return random.chance(0.3)
    ? { survey, score, team: random.pick(TEAMS), caseId: random.pick([...cast.cases.keys()]) }
    : { survey, score, channel: 'email' };
}

/** An event of a case, from either of its two customers: in any order, so some cases are orphans for a while. */
function caseActivity(random: Random, cast: Cast): Activity {
  const caseId = random.pick([...cast.cases.keys()]);
  const customerId = random.pick(present(cast.cases.get(caseId)));
  const roll = random.next();
  if (roll < 0.25)
    return {
      type: 'cx.case.opened.v1',
      customerId,
      data: { caseId, category: random.pick(['complaint', 'inquiry'] as const), channel: 'phone', team: random.pick(TEAMS) },
    };
  if (roll < 0.5)
    return { type: 'cx.case.handoff.requested.v1', customerId, data: { caseId, fromTeam: random.pick(TEAMS), toTeam: random.pick(TEAMS) } };
  if (roll < 0.75) return { type: 'cx.case.handoff.accepted.v1', customerId, data: { caseId, team: random.pick(TEAMS) } };
  if (roll < 0.9) return { type: 'cx.case.resolved.v1', customerId, data: { caseId, team: random.pick(TEAMS) } };
  return { type: 'cx.case.reopened.v1', customerId, data: { caseId } };
}
