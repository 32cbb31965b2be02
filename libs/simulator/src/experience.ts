import { DAY_MS } from './catalogue';
import type { Random } from './random';

/** How a customer's mood (0 to 1) turns into what it says: survey scores and sentiment. */

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** NPS 0 to 10: mostly the mood, and a recent complaint costs a few points. */
export function npsScore(rng: Random, mood: number, complainedRecently: boolean): number {
  const mean = 4.3 + 6.4 * mood - (complainedRecently ? 2.5 : 0);
  return clamp(Math.round(rng.normal(mean, 1.3)), 0, 10);
}

/** CSAT 1 to 5 for one experience; `penalty` is how badly that experience went (0 to 1). */
export function csatScore(rng: Random, mood: number, penalty = 0): number {
  return clamp(Math.round(rng.normal(2.1 + 3.7 * mood - 3 * penalty, 0.7)), 1, 5);
}

/** CES 1 to 7, higher is easier: a case that bounced between teams was hard work. */
export function cesScore(rng: Random, mood: number, penalty = 0): number {
  return clamp(Math.round(rng.normal(2.6 + 4.5 * mood - 4 * penalty, 0.9)), 1, 7);
}

/** Sentiment -1 to 1 of a conversation, two decimals. */
export function sentiment(rng: Random, mood: number): number {
  return Math.round(clamp(rng.normal((mood - 0.5) * 1.6, 0.25), -1, 1) * 100) / 100;
}

/**
 * How busy shopping is at this instant, 0.55 to 1: a peak before Christmas, a dip in late
 * summer, and weekends a little busier.
 */
export function season(time: number): number {
  const date = new Date(time);
  const dayOfYear = (time - Date.UTC(date.getUTCFullYear(), 0, 1)) / DAY_MS;
  const yearly = 0.74 + 0.2 * Math.cos((2 * Math.PI * (dayOfYear - 345)) / 365.25);
  const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6 ? 0.06 : 0;
  return clamp(yearly + weekend, 0.3, 1);
}

/** A time of day a person would do this, on the day of `day` or the next: office hours for calls, any waking hour online. */
export function atHumanHour(rng: Random, day: number, officeHours: boolean): number {
  const midnight = Math.floor(day / DAY_MS) * DAY_MS;
  const hour = officeHours ? rng.between(8, 18) : rng.between(7, 23);
  const at = midnight + hour * 3_600_000;
  return at < day ? at + DAY_MS : at;
}
