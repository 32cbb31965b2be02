import type { CloudEvent } from '@cx/events';
import { activitiesOf } from './activities';
import { DAY_MS } from './catalogue';
import { Delivery, DeliveryNoise } from './delivery';
import { CustomerJourney, JourneyContext } from './journey';
import { MinHeap } from './min-heap';
import { drawPersona } from './persona';
import { Random } from './random';

export interface SimulationOptions {
  customers: number;
  days: number;
  seed: number | string;
  /** First instant of the simulated period. */
  start: Date | string | number;
  /** Nothing happens after this instant (events are never in the caller's future). */
  now?: Date | string | number;
  /** Share of events sent twice (default 2 %). */
  duplicateShare?: number;
  /** Share of events delivered late, after later ones (default 3 %). */
  lateShare?: number;
  /** Bad case experiences lower mood and raise churn, follow-ups help (driver-effects.ts); default true. */
  driverEffects?: boolean;
}

export const DEFAULT_NOISE: DeliveryNoise = { duplicateShare: 0.02, lateShare: 0.03 };

interface Next {
  time: number;
  index: number;
  journey: CustomerJourney;
}

/**
 * CloudEvents of `customers` believable customer journeys over `days` from `start`, in
 * the order a channel-facing ingest would receive them. A pure function of the options:
 * the same seed gives the same events. A generator: events are made as they are taken,
 * and only each customer's next steps are held, so a million events need little memory.
 */
export function* simulate(options: SimulationOptions): Generator<CloudEvent, void, undefined> {
  const context = simulationWindow(options);
  const noise = { ...DEFAULT_NOISE, ...definedOnly({ duplicateShare: options.duplicateShare, lateShare: options.lateShare }) };
  const queue = new MinHeap<Next>((a, b) => a.time < b.time || (a.time === b.time && a.index < b.index));
  for (let index = 0; index < options.customers; index++) {
    const journey = journeyOf(index, options.seed, context);
    const time = journey.nextTime();
    if (time !== undefined) queue.push({ time, index, journey });
  }
  const delivery = new Delivery(new Random(options.seed, 'delivery'), noise);
  for (let next = queue.pop(); next; next = queue.pop()) {
    delivery.send(next.journey.take(), next.time);
    yield* delivery.arrived(next.time);
    const time = next.journey.nextTime();
    if (time === undefined) continue;
    next.time = time;
    queue.push(next);
  }
  yield* delivery.arrived(Infinity);
}

function journeyOf(index: number, seed: number | string, context: JourneyContext): CustomerJourney {
  const rng = new Random(seed, `customer:${index}`);
  const journey = new CustomerJourney(drawPersona(index, rng, context), rng, context);
  journey.setActivities(activitiesOf(journey));
  return journey;
}

/** The simulated period: [start, start + days], cut at `now`. */
export function simulationWindow(options: SimulationOptions): JourneyContext {
  const start = instant(options.start, 'start');
  if (!Number.isInteger(options.customers) || options.customers < 0) throw new RangeError('customers must be a whole number, 0 or more');
  if (!(options.days > 0)) throw new RangeError('days must be more than 0');
  const now = options.now === undefined ? Infinity : instant(options.now, 'now');
  if (now < start) throw new RangeError('start must not be after now');
  const seedTag =
    String(options.seed)
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 24) || 'x';
  return { seedTag, start, end: Math.min(start + options.days * DAY_MS, now), driverEffects: options.driverEffects ?? true };
}

function instant(value: Date | string | number, name: string): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new RangeError(`${name} must be a date`);
  return ms;
}

const definedOnly = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
