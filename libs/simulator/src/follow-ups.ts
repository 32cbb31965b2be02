import type { Channel, EventDataByType } from '@cx/events';
import { CHANNEL_SOURCES, DAY_MS, HOUR_MS } from './catalogue';
import type { CustomerJourney } from './journey';
import { Random } from './random';

/** Share of detractor answers (SPEC §2.4 detractor alerts) an agent calls or writes back. */
const FOLLOW_UP_SHARE = 0.6;
/** Of those, the share handled within the day; the rest come two to six days later, past a 48-hour SLA. */
const SAME_DAY_SHARE = 0.75;

/**
 * Follow-ups draw from a stream of their own, so the rest of a customer's story (its
 * purchases, cases, answers) is the same with or without them.
 */
const streams = new WeakMap<CustomerJourney, Random>();

function streamOf(j: CustomerJourney): Random {
  let rng = streams.get(j);
  if (!rng) streams.set(j, (rng = new Random(j.context.seedTag, `follow-ups:${j.persona.index}`)));
  return rng;
}

const isDetractor = ({ survey, score }: Pick<EventDataByType['cx.survey.answered.v1'], 'survey' | 'score'>): boolean =>
  survey === 'nps' ? score <= 6 : score <= 2;

/**
 * The closed loop, as a CX team runs it: a share of detractor answers gets an outbound call
 * or e-mail from customer care (retention for NPS detractors), mostly within hours, some
 * days late. The follow-up is an outbound `cx.interaction.recorded.v1` of the customer.
 */
export function followUpAnswer(
  j: CustomerJourney,
  answeredAt: number,
  answer: Pick<EventDataByType['cx.survey.answered.v1'], 'survey' | 'score'>,
): void {
  if (!isDetractor(answer)) return;
  const rng = streamOf(j);
  if (!rng.chance(FOLLOW_UP_SHARE)) return;
  const delay = rng.chance(SAME_DAY_SHARE) ? rng.between(0.5, 20) * HOUR_MS : rng.between(2, 6) * DAY_MS;
  const channel: Channel = rng.chance(0.7) ? 'phone' : 'email';
  const team = answer.survey === 'nps' ? 'retention' : 'customer-care';
  j.emit('cx.interaction.recorded.v1', answeredAt + delay, CHANNEL_SOURCES[channel], {
    channel,
    direction: 'outbound',
    topic: 'follow_up',
    team,
    agentId: `${team}-agent-${rng.int(1, 14)}`,
    ...(channel === 'phone' ? { durationSeconds: rng.int(60, 900) } : {}),
    summary: channel === 'phone' ? 'Called back after a low score.' : 'Wrote back after a low score.',
  });
}
