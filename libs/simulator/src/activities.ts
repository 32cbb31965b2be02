import type { CaseCategory, Channel } from '@cx/events';
import { planCase } from './case-flow';
import {
  CHANNEL_SOURCES,
  CONTACT_TOPICS,
  DAY_MS,
  GRIPES,
  HOUR_MS,
  MEH,
  PRAISE,
  PRODUCT_LINES,
  SYSTEM_SOURCES,
  TOPIC_TEAMS,
} from './catalogue';
import { atHumanHour, csatScore, npsScore, season, sentiment } from './experience';
import type { Activity, CustomerJourney } from './journey';

/** Everything a customer does from time to time, each on its own clock (SPEC §1.3 types a channel system sends). */
export function activitiesOf(journey: CustomerJourney): Activity[] {
  const p = journey.persona;
  const rng = journey.rng;
  const buys = p.archetype !== 'prospect';
  const activities: Activity[] = [
    { at: p.joinAt, run: arrive },
    { at: p.joinAt + rng.exponential(3 * DAY_MS), run: browse },
    { at: p.joinAt + rng.exponential(12 * DAY_MS), run: marketing },
    { at: buys ? p.joinAt + rng.exponential(6 * DAY_MS) : Infinity, run: purchase },
    { at: p.joinAt + rng.exponential(30 * DAY_MS), run: contact },
    { at: buys ? p.joinAt + rng.between(20, 45) * DAY_MS : Infinity, run: npsSurvey },
    { at: p.archetype === 'repeat' || p.archetype === 'loyal' ? p.joinAt + rng.exponential(40 * DAY_MS) : Infinity, run: refer },
    { at: p.joinAt + rng.between(30, 150) * DAY_MS, run: updateProfile },
    { at: p.registersAt ?? Infinity, run: register },
    { at: p.churn?.at ?? Infinity, run: leave, departure: true },
    { at: p.kind === 'b2b' ? p.joinAt + rng.exponential(30 * DAY_MS) : Infinity, run: fieldVisit },
  ];
  return activities;
}

/** First contact: the CRM creates a known customer's profile; an unknown one just turns up on the web. */
function arrive(j: CustomerJourney, at: number): number {
  if (j.state.registered) j.emit('cx.customer.profiled.v1', at, SYSTEM_SOURCES.crm, profileOf(j), j.fullRef());
  else browse(j, at);
  return Infinity;
}

/** An anonymous visitor signs up: the CRM id arrives with the identifier they used, so their past merges in. */
function register(j: CustomerJourney, at: number): number {
  j.state.registered = true;
  j.emit('cx.customer.profiled.v1', at, SYSTEM_SOURCES.crm, profileOf(j), j.fullRef());
  return Infinity;
}

function profileOf(j: CustomerJourney) {
  const p = j.persona;
  return { segment: j.state.segment, name: p.name, kind: p.kind, ...(p.company ? { company: p.company } : {}) };
}

function browse(j: CustomerJourney, at: number): number {
  if (j.away(at)) return j.resumeAt(10 * DAY_MS);
  const channel = j.rng.pick<Channel>(['web', 'web', 'app']);
  const time = atHumanHour(j.rng, at, false);
  j.interaction(
    time,
    {
      channel,
      direction: 'inbound',
      topic: j.rng.pick(['browse', 'product-page', 'search', 'basket']),
      durationSeconds: j.rng.int(20, 1200),
    },
    j.ref(channel),
  );
  return at + j.rng.exponential((j.persona.archetype === 'prospect' ? 9 : 16) * DAY_MS);
}

/** Newsletters and offers go out even to the silently lapsed; an explicit leaver has opted out. */
function marketing(j: CustomerJourney, at: number): number {
  if (j.away(at) && j.persona.churn?.explicit) return j.resumeAt(5 * DAY_MS);
  const channel = j.rng.weighted<Channel>({ email: 60, app: 15, letter: 10, social: 15 });
  j.interaction(
    atHumanHour(j.rng, at, true),
    {
      channel,
      direction: 'outbound',
      topic: j.rng.pick(['newsletter', 'offer', 'product-news']),
    },
    j.ref(channel),
  );
  return at + j.rng.exponential(20 * DAY_MS);
}

/** Orders come more often before Christmas; one-time buyers stop after the first (unless won back). */
function purchase(j: CustomerJourney, at: number): number {
  if (j.away(at)) return j.resumeAt(4 * DAY_MS);
  const time = winBackOffer(j, at);
  const channel = j.rng.pick(j.persona.buyChannels);
  const orderNumber = j.state.purchases + 1;
  const orderId = `O-${j.context.seedTag}-${j.persona.index}-${orderNumber}`;
  j.emit(
    'cx.purchase.completed.v1',
    time,
    channel === 'store' ? CHANNEL_SOURCES.store : SYSTEM_SOURCES.billing,
    {
      orderId,
      amountMinor: orderAmount(j),
      currency: j.persona.currency,
      channel,
      productLine: j.rng.pick(PRODUCT_LINES),
    },
    j.ref(channel),
  );
  j.state.purchases = orderNumber;
  if (channel !== 'store') deliver(j, time, orderId);
  return nextPurchase(j, at);
}

/** A lapsed customer who comes back does so after an offer. */
function winBackOffer(j: CustomerJourney, at: number): number {
  const back = j.persona.churn?.winBackAt;
  if (back === null || back === undefined || at < back || j.state.wonBack) return atHumanHour(j.rng, at, false);
  j.state.wonBack = true;
  j.interaction(at, { channel: 'email', direction: 'outbound', topic: 'win-back-offer' }, j.ref('email'));
  return at + j.rng.between(2 * HOUR_MS, 3 * DAY_MS);
}

function orderAmount(j: CustomerJourney): number {
  const median = j.persona.kind === 'b2b' ? 42_000 : 4_500;
  return Math.max(99, Math.round(j.rng.logNormal(median, 0.8)));
}

function nextPurchase(j: CustomerJourney, at: number): number {
  const p = j.persona;
  if (p.archetype === 'one_time') {
    const back = p.churn?.winBackAt;
    return back !== null && back !== undefined && back > at ? back + j.rng.exponential(4 * DAY_MS) : Infinity;
  }
  const mean = (p.archetype === 'loyal' ? 16 : 40) * DAY_MS * (p.kind === 'b2b' ? 0.7 : 1);
  let next = at;
  do next += j.rng.exponential(mean * 0.75);
  while (!j.rng.chance(season(next)));
  return next;
}

/** The parcel arrives; now and then damaged (a complaint), sometimes followed by a CSAT answer. */
function deliver(j: CustomerJourney, orderedAt: number, orderId: string): void {
  const deliveredAt = orderedAt + j.rng.between(0.5, 4) * DAY_MS;
  j.interaction(deliveredAt, {
    channel: 'delivery',
    direction: 'outbound',
    topic: 'shipping',
    summary: `Order ${orderId} delivered.`,
  });
  if (j.rng.chance(0.04 + 0.08 * (1 - j.state.mood))) {
    const channel = j.rng.pick(j.persona.contactChannels);
    planCase(j, { at: deliveredAt + j.rng.between(2 * HOUR_MS, 2 * DAY_MS), topic: 'delivery', category: 'complaint', channel });
  } else if (j.rng.chance(0.25)) {
    const score = csatScore(j.rng, j.state.mood);
    j.emit('cx.survey.answered.v1', deliveredAt + j.rng.between(HOUR_MS, 2 * DAY_MS), SYSTEM_SOURCES.surveys, {
      survey: 'csat',
      score,
      channel: 'email',
      ...(j.rng.chance(0.2) ? { comment: j.rng.pick(score >= 4 ? PRAISE : MEH) } : {}),
    });
  }
}

/** The customer gets in touch: a quick answer, or a case. Unhappier customers complain more. */
function contact(j: CustomerJourney, at: number): number {
  if (j.away(at)) return j.resumeAt(20 * DAY_MS);
  const p = j.persona;
  const rng = j.rng;
  const topic = p.archetype === 'prospect' ? rng.pick(['pricing', 'product'] as const) : rng.pick(CONTACT_TOPICS);
  const channel = rng.pick(p.contactChannels);
  const time = atHumanHour(rng, at, channel === 'phone' || channel === 'store');
  if (rng.chance(0.5)) {
    const team = TOPIC_TEAMS[topic].first;
    j.interaction(
      time,
      {
        channel,
        direction: 'inbound',
        topic,
        team,
        agentId: j.agent(team),
        durationSeconds: rng.int(45, 1800),
        sentiment: sentiment(rng, j.state.mood),
        summary: `Question about ${topic} answered.`,
      },
      j.ref(channel),
    );
  } else {
    planCase(j, { at: time, topic, category: caseCategory(j, topic), channel });
  }
  return at + rng.exponential(35 * DAY_MS * (0.5 + p.experience) * (p.archetype === 'prospect' ? 2 : 1));
}

function caseCategory(j: CustomerJourney, topic: string): CaseCategory {
  if (j.persona.archetype === 'prospect') return 'inquiry';
  const technical = topic === 'technical' || topic === 'product';
  return j.rng.weighted<CaseCategory>({
    complaint: 30 * (1.5 - j.state.mood),
    inquiry: 25,
    request: 25,
    incident: technical || j.persona.kind === 'b2b' ? 20 : 3,
  });
}

/** The relationship survey every three months or so; fewer than half answer. */
function npsSurvey(j: CustomerJourney, at: number): number {
  if (j.away(at)) return j.resumeAt(30 * DAY_MS);
  if (j.state.purchases > 0 && j.rng.chance(0.45)) {
    const score = npsScore(j.rng, j.state.mood, j.complainedWithin(at, 90));
    const comment = j.rng.chance(0.3) ? { comment: j.rng.pick(score >= 9 ? PRAISE : score >= 7 ? MEH : GRIPES) } : {};
    j.emit('cx.survey.answered.v1', atHumanHour(j.rng, at, false), SYSTEM_SOURCES.surveys, {
      survey: 'nps',
      score,
      channel: j.rng.pick<Channel>(['email', 'app', 'web']),
      ...comment,
    });
  }
  return at + j.rng.between(80, 120) * DAY_MS;
}

/** Happy regulars bring friends. */
function refer(j: CustomerJourney, at: number): number {
  if (j.away(at)) return j.resumeAt(30 * DAY_MS);
  if (j.state.purchases > 0 && j.state.mood >= 0.66 && j.state.referrals < 3 && j.rng.chance(0.45)) {
    j.state.referrals += 1;
    const channel = j.rng.pick<Channel>(['web', 'app', 'social', 'store']);
    const friend = `friend-${j.state.referrals}.of.${j.persona.index}@mail-${j.context.seedTag}.example`;
    j.emit(
      'cx.customer.referred.v1',
      atHumanHour(j.rng, at, false),
      CHANNEL_SOURCES[channel],
      {
        channel,
        ...(j.rng.chance(0.6) ? { referred: { email: friend } } : {}),
      },
      j.ref(channel),
    );
  }
  return at + j.rng.exponential(50 * DAY_MS);
}

/** Regulars move up a segment; the CRM says so. */
function updateProfile(j: CustomerJourney, at: number): number {
  if (j.away(at) || !j.state.registered) return at + j.rng.exponential(90 * DAY_MS);
  const upgrade: Record<string, string> = { consumer: 'premium', student: 'consumer', smb: 'enterprise' };
  const next = upgrade[j.state.segment];
  if (next && j.state.purchases >= 3 && j.rng.chance(0.5)) {
    j.state.segment = next;
    j.emit('cx.customer.profiled.v1', at, SYSTEM_SOURCES.crm, { segment: next }, { id: j.persona.crmId });
  }
  return at + j.rng.exponential(120 * DAY_MS);
}

/** An explicit leaver calls to cancel and billing records it; a silent one simply stops. */
function leave(j: CustomerJourney, at: number): number {
  if (!j.persona.churn?.explicit) return Infinity;
  const channel = j.rng.pick<Channel>(['phone', 'email', 'chat']);
  j.interaction(
    at,
    {
      channel,
      direction: 'inbound',
      topic: 'cancellation',
      team: 'retention',
      agentId: j.agent('retention'),
      sentiment: sentiment(j.rng, j.state.mood - 0.3),
      summary: 'Customer asked to cancel.',
    },
    j.ref(channel),
  );
  j.emit('cx.customer.churned.v1', at + 10 * 60_000, SYSTEM_SOURCES.billing, {
    reason: j.rng.pick(['too expensive', 'moved to a competitor', 'poor service', 'no longer needed']),
  });
  return Infinity;
}

/** Business customers get engineers on site; a visit now and then turns into an incident. */
function fieldVisit(j: CustomerJourney, at: number): number {
  if (j.away(at)) return j.resumeAt(30 * DAY_MS);
  const time = atHumanHour(j.rng, at, true);
  j.interaction(time, {
    channel: 'field_service',
    direction: 'outbound',
    topic: 'maintenance',
    team: 'field-ops',
    agentId: j.agent('field-ops'),
    durationSeconds: j.rng.int(1800, 14_400),
    sentiment: sentiment(j.rng, j.state.mood),
  });
  if (j.rng.chance(0.15)) planCase(j, { at: time + 4 * HOUR_MS, topic: 'technical', category: 'incident', channel: 'field_service' });
  return at + j.rng.exponential(45 * DAY_MS);
}
