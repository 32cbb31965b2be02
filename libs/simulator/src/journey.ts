import type { Channel, CloudEvent, CustomerRef, EventDataByType, EventType } from '@cx/events';
import { CHANNEL_SOURCES, DAY_MS, TEAMS, type Team } from './catalogue';
import { followUpAnswer } from './follow-ups';
import { MinHeap } from './min-heap';
import type { Churn, Persona } from './persona';
import type { Random } from './random';

export interface JourneyContext {
  /** The seed as it appears in ids, e-mails and CRM numbers. */
  seedTag: string;
  start: number;
  end: number;
  /** Whether experiences drive later answers and churn (driver-effects.ts); off gives the baseline to compare with. */
  driverEffects: boolean;
}

/** What the customer has lived through so far: it steers what happens next. */
export interface JourneyState {
  /** 0 to 1; bad experiences pull it down, time pulls it back to the persona's experience. */
  mood: number;
  purchases: number;
  lastComplaintAt: number | null;
  referrals: number;
  cases: number;
  registered: boolean;
  segment: string;
  wonBack: boolean;
}

/** Something the customer does from time to time; `run` does it and says when it comes next. */
export interface Activity {
  at: number;
  run: (journey: CustomerJourney, at: number) => number;
  /** The customer's departure: moved when its experiences make the customer decide to leave. */
  departure?: boolean;
}

interface Planned {
  time: number;
  seq: number;
  event: CloudEvent;
}

type DataOf<T extends EventType> = Omit<EventDataByType[T], 'customer'>;

/**
 * One customer's story as a discrete-event simulation: its activities put events on a small
 * agenda (a case plans its handoffs ahead), and the agenda hands them out in time order.
 * Only the next few events exist at any moment, so a long simulation needs little memory.
 */
export class CustomerJourney {
  private readonly agenda = new MinHeap<Planned>((a, b) => a.time < b.time || (a.time === b.time && a.seq < b.seq));
  private activities: Activity[] = [];
  private seq = 0;
  /** A departure the customer's experiences decided on, and the churn it replaced (a follow-up may undo it). */
  private decided: { at: number; replaced: Churn | null } | null = null;
  readonly state: JourneyState;

  constructor(
    readonly persona: Persona,
    readonly rng: Random,
    readonly context: JourneyContext,
  ) {
    this.state = {
      mood: persona.experience,
      purchases: 0,
      lastComplaintAt: null,
      referrals: 0,
      cases: 0,
      registered: persona.identity === 'named',
      segment: persona.segment,
      wonBack: false,
    };
  }

  setActivities(activities: Activity[]): void {
    this.activities = activities;
  }

  /** The time of this customer's next event, or undefined once its story is over. */
  nextTime(): number | undefined {
    this.planAhead();
    return this.agenda.peek()?.time;
  }

  /** The next event; call after `nextTime` answered a time. */
  take(): CloudEvent {
    const planned = this.agenda.pop();
    if (!planned) throw new Error('take() without a next event');
    return planned.event;
  }

  /** Runs activities until the earliest planned event cannot be preceded by anything an activity would add. */
  private planAhead(): void {
    for (;;) {
      const next = this.earliestActivity();
      if (!next || next.at > this.context.end) return;
      const head = this.agenda.peek();
      if (head && head.time <= next.at) return;
      this.recover();
      next.at = Math.max(next.at + 1, next.run(this, next.at));
    }
  }

  private earliestActivity(): Activity | undefined {
    let earliest: Activity | undefined;
    for (const activity of this.activities) if (!earliest || activity.at < earliest.at) earliest = activity;
    return earliest;
  }

  /** Bad moods fade: each activity moves the mood a little back toward the persona's usual experience. */
  private recover(): void {
    this.state.mood += (this.persona.experience - this.state.mood) * 0.04;
  }

  /** An interaction on a channel, from that channel's system. */
  interaction(time: number, data: DataOf<'cx.interaction.recorded.v1'>, customer: CustomerRef = this.ref()): void {
    this.emit('cx.interaction.recorded.v1', time, CHANNEL_SOURCES[data.channel], data, customer);
  }

  /** Puts an event on the agenda; one outside the simulated window never happens. */
  emit<T extends EventType>(type: T, time: number, source: string, data: DataOf<T>, customer: CustomerRef = this.ref()): void {
    const at = Math.floor(time / 1000) * 1000;
    if (at < this.context.start || at > this.context.end) return;
    this.seq += 1;
    const event: CloudEvent = {
      specversion: '1.0',
      id: `sim-${this.context.seedTag}-${this.persona.index}-${this.seq}`,
      source,
      type,
      time: `${new Date(at).toISOString().slice(0, 19)}Z`,
      data: { customer, ...data },
    };
    this.agenda.push({ time: at, seq: this.seq, event });
    if (type === 'cx.survey.answered.v1') followUpAnswer(this, at, data as DataOf<'cx.survey.answered.v1'>);
  }

  /**
   * How a channel system names this customer: systems that know the CRM id use it; e-mail
   * and shop systems know only their own identifier; anonymous customers are only ever that.
   */
  ref(channel?: Channel): CustomerRef {
    const p = this.persona;
    if (!this.state.registered) return this.anonymousRef();
    if (channel === 'email' || channel === 'letter') return { email: p.email };
    if (channel === 'web' && this.rng.chance(0.3)) return { externalIds: { shop: p.shopId } };
    if (channel === 'phone' && this.rng.chance(0.2)) return { phone: p.phone };
    return { id: p.crmId };
  }

  /** Every identifier with the CRM id: linking them all (SPEC §1.2 step 1), merging what was anonymous. */
  fullRef(): CustomerRef {
    const p = this.persona;
    return { id: p.crmId, email: p.email, phone: p.phone, externalIds: { shop: p.shopId } };
  }

  private anonymousRef(): CustomerRef {
    const p = this.persona;
    if (p.anonymousBy === 'phone') return { phone: p.phone };
    if (p.anonymousBy === 'shop') return { externalIds: { shop: p.shopId } };
    return { email: p.email };
  }

  /** Whether the customer has left and not (yet) come back. */
  away(at: number): boolean {
    const churn = this.persona.churn;
    return churn !== null && at >= churn.at && (churn.winBackAt === null || at < churn.winBackAt);
  }

  /**
   * The customer decides to leave at `time` (explicitly or silently), unless it already leaves
   * by then: from `time` on it is away, and an explicit leaver cancels.
   */
  leaveAt(time: number, explicit: boolean): void {
    const churn = this.persona.churn;
    if (churn && churn.at <= time && (churn.winBackAt === null || churn.winBackAt > time)) return;
    this.decided = { at: time, replaced: churn };
    this.persona.churn = { at: time, explicit, winBackAt: null };
    this.moveDeparture(explicit ? time : Infinity);
  }

  /** Talks the customer out of a departure decided on and still ahead of `now`; false when there is none. */
  stay(now: number): boolean {
    if (!this.decided || this.decided.at <= now) return false;
    this.persona.churn = this.decided.replaced;
    this.decided = null;
    // The churn drawn at the start comes back; one already past has had its departure.
    const churn = this.persona.churn;
    this.moveDeparture(churn?.explicit && churn.at > now ? churn.at : Infinity);
    return true;
  }

  private moveDeparture(at: number): void {
    const departure = this.activities.find((activity) => activity.departure);
    if (departure) departure.at = at;
  }

  /** When an activity paused by churn picks up again, if ever. */
  resumeAt(jitterMean: number): number {
    const back = this.persona.churn?.winBackAt;
    return back === null || back === undefined ? Infinity : back + this.rng.exponential(jitterMean);
  }

  complainedWithin(at: number, days: number): boolean {
    return this.state.lastComplaintAt !== null && at - this.state.lastComplaintAt <= days * DAY_MS;
  }

  agent(team: string): string {
    return `${team}-agent-${this.rng.int(1, 14)}`;
  }

  otherTeam(...not: Array<string | null>): Team {
    const choices = TEAMS.filter((team) => !not.includes(team));
    return this.rng.pick(choices);
  }

  nextCaseId(): string {
    this.state.cases += 1;
    return `K-${this.context.seedTag}-${this.persona.index}-${this.state.cases}`;
  }
}
