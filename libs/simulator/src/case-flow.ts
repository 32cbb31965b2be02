import type { CaseCategory, Channel, Priority } from '@cx/events';
import { DAY_MS, GRIPES, HOUR_MS, MINUTE_MS, PRAISE, SYSTEM_SOURCES, TOPIC_TEAMS, type ContactTopic } from './catalogue';
import { cesScore, csatScore, sentiment } from './experience';
import { feelCaseExperience, type CaseExperience } from './driver-effects';
import type { CustomerJourney } from './journey';

/** How a case travels between teams (SPEC §2.3), each with how much it costs the customer's patience. */
export type CaseScenario = 'direct' | 'handoff' | 'ping_pong' | 'misroute' | 'takeover' | 'supersede' | 'stall' | 'lingering';

const SCENARIO_WEIGHTS: Record<CaseScenario, number> = {
  direct: 44,
  handoff: 20,
  ping_pong: 9,
  misroute: 6,
  takeover: 5,
  supersede: 4,
  stall: 8,
  lingering: 4,
};
const PENALTY: Record<CaseScenario, number> = {
  direct: 0,
  handoff: 0.1,
  ping_pong: 0.5,
  misroute: 0.25,
  takeover: 0.1,
  supersede: 0.2,
  stall: 0.6,
  lingering: 0.5,
};
/**
 * Mood lost when the case starts, by scenario. Ping-pongs and stalls cost nothing here: what
 * they cost is measured once the case is planned (driver-effects.ts), as for any case.
 */
const MOOD_PENALTY: Record<CaseScenario, number> = {
  direct: -0.03,
  handoff: 0.03,
  ping_pong: 0,
  misroute: 0.075,
  takeover: 0.03,
  supersede: 0.06,
  stall: 0,
  lingering: 0.15,
};

export interface CaseRequest {
  at: number;
  topic: ContactTopic;
  category: CaseCategory;
  channel: Channel;
}

/**
 * One case, step by step in time: who owns it and what is pending. Each step plans its
 * event on the customer's agenda; the times are drawn from the waits real teams show
 * (most handoffs are taken within the hour, a tail takes longer than the SLA).
 */
class CaseRun {
  owner: string | null = null;
  pending: string | null = null;
  /** The team that made the latest request. */
  requester: string | null = null;
  readonly id: string;
  /** What the customer lives through, measured as the case is planned (driver-effects.ts). */
  private openedAt: number | null = null;
  private resolvedAt: number | null = null;
  private unownedSince: number | null = null;
  private unownedMs = 0;
  private pingPong = false;
  private readonly formerOwners = new Set<string>();

  constructor(
    readonly journey: CustomerJourney,
    readonly about: CaseRequest,
    public t: number,
  ) {
    this.id = journey.nextCaseId();
  }

  private get rng() {
    return this.journey.rng;
  }

  open(team: string | null, sendOpening: boolean): void {
    const { category, channel, topic } = this.about;
    const priority: Priority = category === 'incident' ? 'high' : this.rng.weighted({ low: 15, normal: 65, high: 15, urgent: 5 });
    const agentId = team ? this.journey.agent(team) : undefined;
    this.journey.interaction(this.t, {
      channel,
      direction: 'inbound',
      topic,
      caseId: this.id,
      ...(team ? { team, agentId } : {}),
      durationSeconds: this.rng.int(60, 1500),
      sentiment: sentiment(this.rng, this.journey.state.mood - 0.15),
      summary: `Customer got in touch about ${topic}.`,
    });
    if (sendOpening) {
      this.journey.emit('cx.case.opened.v1', this.t + 30_000, SYSTEM_SOURCES.ticketing, {
        caseId: this.id,
        category,
        channel,
        priority,
        ...(team ? { team, agentId } : {}),
      });
    }
    this.t += 30_000;
    if (sendOpening) this.openedAt = this.t;
    this.own(team);
  }

  /** Sets the owner (null: nobody), keeping count of the time the open case has none. */
  private own(team: string | null): void {
    if (team === null && this.unownedSince === null) this.unownedSince = this.t;
    if (team !== null) {
      this.endUnowned();
      this.formerOwners.add(team);
    }
    this.owner = team;
  }

  private endUnowned(): void {
    if (this.unownedSince === null) return;
    this.unownedMs += this.t - this.unownedSince;
    this.unownedSince = null;
  }

  /** How the case went; a case left unowned for good has unowned time without end. */
  experience(): CaseExperience {
    const stillUnowned = this.resolvedAt === null && this.unownedSince !== null;
    return {
      pingPong: this.pingPong,
      unownedMs: stillUnowned ? Infinity : this.unownedMs,
      resolutionMs: this.openedAt === null || this.resolvedAt === null ? null : this.resolvedAt - this.openedAt,
      endedAt: this.t,
    };
  }

  request(toTeam: string): void {
    const fromTeam = this.owner ?? this.pending ?? TOPIC_TEAMS[this.about.topic].first;
    this.t += this.wait(40 * MINUTE_MS, 0.9);
    this.journey.emit('cx.case.handoff.requested.v1', this.t, SYSTEM_SOURCES.ticketing, {
      caseId: this.id,
      fromTeam,
      toTeam,
      reason: this.rng.pick(['needs specialist', 'wrong queue', 'customer asked', 'escalation']),
    });
    this.own(null);
    this.pending = toTeam;
    this.requester = fromTeam;
  }

  accept(team: string, medianWait = 45 * MINUTE_MS): void {
    this.t += this.wait(medianWait, 1.2);
    this.journey.emit('cx.case.handoff.accepted.v1', this.t, SYSTEM_SOURCES.ticketing, {
      caseId: this.id,
      team,
      agentId: this.journey.agent(team),
    });
    // A handoff (a request, or taking a case another team owns) back to a former owner (SPEC §2.3).
    const handoff = this.pending !== null || (this.owner !== null && this.owner !== team);
    if (handoff && this.formerOwners.has(team)) this.pingPong = true;
    this.own(team);
    this.pending = null;
  }

  handoff(toTeam: string): void {
    this.request(toTeam);
    this.accept(toTeam);
  }

  resolve(): void {
    this.t += this.wait(16 * HOUR_MS, 1);
    // A case nobody took is closed by the team that asked for help.
    const team = this.owner ?? this.requester ?? undefined;
    this.endUnowned();
    this.resolvedAt = this.t;
    this.journey.emit('cx.case.resolved.v1', this.t, SYSTEM_SOURCES.ticketing, {
      caseId: this.id,
      ...(team ? { team } : {}),
      resolution: this.rng.pick(['refund issued', 'explained', 'replaced', 'fixed on site', 'credit note']),
    });
    if (this.rng.chance(0.5)) {
      const channel = this.rng.pick<Channel>(['phone', 'email']);
      this.journey.interaction(this.t + this.wait(20 * MINUTE_MS, 0.5), {
        channel,
        direction: 'outbound',
        topic: this.about.topic,
        caseId: this.id,
        ...(team ? { team, agentId: this.journey.agent(team) } : {}),
        summary: 'Agent confirmed the resolution with the customer.',
      });
    }
  }

  reopen(): void {
    this.t += this.rng.between(1, 10) * DAY_MS;
    this.resolvedAt = null;
    this.journey.emit('cx.case.reopened.v1', this.t, SYSTEM_SOURCES.ticketing, {
      caseId: this.id,
      reason: 'customer says the problem is back',
    });
  }

  /** The customer chases a case nobody picked up. */
  chase(): void {
    this.t += this.rng.between(1, 4) * DAY_MS;
    const channel = this.about.channel;
    this.journey.interaction(this.t, {
      channel,
      direction: 'inbound',
      topic: this.about.topic,
      caseId: this.id,
      sentiment: sentiment(this.rng, this.journey.state.mood - 0.35),
      summary: 'Customer asked why nobody has replied.',
    });
  }

  /** CSAT and CES about this case, scored by how it went. */
  surveys(penalty: number): void {
    const mood = this.journey.state.mood;
    const team = this.owner ?? undefined;
    const base = { caseId: this.id, channel: this.rng.pick<Channel>(['email', 'app', 'web']), ...(team ? { team } : {}) };
    if (this.rng.chance(0.45)) {
      const score = csatScore(this.rng, mood, penalty);
      this.journey.emit('cx.survey.answered.v1', this.t + this.wait(6 * HOUR_MS, 0.8), SYSTEM_SOURCES.surveys, {
        survey: 'csat',
        score,
        ...base,
        ...(this.rng.chance(0.3) ? { comment: this.rng.pick(score >= 4 ? PRAISE : GRIPES) } : {}),
      });
    }
    if (this.rng.chance(0.35)) {
      this.journey.emit('cx.survey.answered.v1', this.t + this.wait(8 * HOUR_MS, 0.8), SYSTEM_SOURCES.surveys, {
        survey: 'ces',
        score: cesScore(this.rng, mood, penalty),
        ...base,
      });
    }
  }

  private wait(median: number, spread: number): number {
    return Math.min(20 * DAY_MS, Math.max(MINUTE_MS, this.rng.logNormal(median, spread)));
  }
}

/** Plans a whole case: opening, its way through the teams, resolution, a reopen now and then, and the surveys after. */
export function planCase(journey: CustomerJourney, request: CaseRequest): void {
  const rng = journey.rng;
  const scenario = rng.weighted(SCENARIO_WEIGHTS);
  const run = new CaseRun(journey, request, request.at);
  const teams = TOPIC_TEAMS[request.topic];
  // A ticketing system now and then loses an opening: the case still turns up, as an orphan.
  run.open(rng.chance(0.1) ? null : teams.first, !rng.chance(0.01));
  if (!run.owner) run.accept(teams.first, 90 * MINUTE_MS); // a claim of an unowned case
  feelCase(journey, request, scenario);
  if (!route(run, scenario, teams.expert)) {
    feelCaseExperience(journey, run.experience());
    return;
  }
  run.resolve();
  const reopens = rng.chance(request.category === 'complaint' ? 0.15 : 0.06);
  if (reopens) {
    run.reopen();
    journey.state.mood -= 0.08;
    run.resolve();
  }
  feelCaseExperience(journey, run.experience());
  run.surveys(Math.min(1, PENALTY[scenario] + (reopens ? 0.3 : 0)));
}

/** Moves the case between teams as the scenario says; false when it stays open. */
function route(run: CaseRun, scenario: CaseScenario, expert: string): boolean {
  const journey = run.journey;
  const expertTeam = expert === run.owner ? journey.otherTeam(run.owner) : expert;
  switch (scenario) {
    case 'direct':
      return true;
    case 'handoff':
      run.handoff(expertTeam);
      return true;
    case 'ping_pong':
      return pingPong(run, journey, expertTeam);
    case 'misroute':
      run.request(expertTeam);
      run.accept(journey.otherTeam(expertTeam, run.requester));
      return true;
    case 'takeover':
      run.accept(journey.otherTeam(run.owner), 3 * HOUR_MS);
      return true;
    case 'supersede':
      run.request(journey.otherTeam(run.owner, expertTeam));
      run.request(expertTeam);
      run.accept(expertTeam);
      return true;
    case 'stall':
      return stall(run, journey, expertTeam);
    case 'lingering':
      return false;
  }
}

/** A → B → A (and sometimes → B again): every return to a former owner is a ping-pong. */
function pingPong(run: CaseRun, journey: CustomerJourney, expertTeam: string): boolean {
  const first = run.owner as string;
  run.handoff(expertTeam);
  run.handoff(first);
  if (journey.rng.chance(0.4)) run.handoff(expertTeam);
  return true;
}

/**
 * A request nobody accepts and the customer chases. Half are rescued days later by a new
 * request, a quarter are closed by someone without ever being taken, a quarter are forgotten.
 */
function stall(run: CaseRun, journey: CustomerJourney, expertTeam: string): boolean {
  run.request(expertTeam);
  run.chase();
  const fate = journey.rng.weighted({ rescued: 50, closed: 25, forgotten: 25 });
  if (fate === 'forgotten') return false;
  if (fate === 'rescued') {
    run.request(journey.otherTeam(expertTeam));
    run.accept(run.pending as string);
  }
  return true;
}

/** The customer's mood takes the hit of the case when it starts: that is what later answers carry. */
function feelCase(journey: CustomerJourney, request: CaseRequest, scenario: CaseScenario): void {
  const state = journey.state;
  if (request.category === 'complaint') {
    state.lastComplaintAt = request.at;
    state.mood -= 0.1;
  }
  state.mood = Math.max(0, Math.min(1, state.mood - MOOD_PENALTY[scenario]));
}
