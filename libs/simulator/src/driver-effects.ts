import { DAY_MS, HOUR_MS } from './catalogue';
import type { CustomerJourney } from './journey';

/**
 * What the key drivers report (SPEC §2.5) should find: the experiences the simulator makes
 * matter. Each bad experience of a case lowers the customer's mood (and so its later NPS,
 * CSAT and CES answers) and may make it decide to leave; a follow-up of an alert lifts the
 * mood and may talk it out of leaving. docs/drivers.md states these figures beside what the
 * report finds in a simulated ledger.
 */
export const DRIVER_EFFECTS = {
  /** Mood lost per bad experience (the NPS mean is 4.3 + 6.4 × mood: about −0.5 points). */
  moodPerBadExperience: 0.08,
  /** Chance per bad experience that the customer decides to leave, at most `maxChurnRisk`. */
  churnRiskPerBadExperience: 0.25,
  maxChurnRisk: 0.6,
  /** Mean days from the case's last event to the departure. */
  meanDaysToLeave: 20,
  /** Share of those departures that are an explicit cancellation. */
  explicitShare: 0.8,
  /** Mood a follow-up gives back, and the chance it undoes a decided departure. */
  moodPerFollowUp: 0.1,
  followUpKeepsChance: 0.5,
  /** The thresholds of the attributes (SPEC §2.5). */
  unownedLimitMs: 4 * HOUR_MS,
  slowResolutionMs: 72 * HOUR_MS,
} as const;

/** How a case went, as its customer lived it. */
export interface CaseExperience {
  /** A handoff gave the case back to a team that had owned it. */
  pingPong: boolean;
  /** Time the open case had no owner (Infinity: left unowned for good). */
  unownedMs: number;
  /** Opening to last resolution; null while unresolved or never opened. */
  resolutionMs: number | null;
  /** When the case's last event happened. */
  endedAt: number;
}

/** The bad experiences among ping-pong, more than 4 h unowned and more than 72 h to resolve. */
export function badExperiences(experience: CaseExperience): number {
  const slow = experience.resolutionMs !== null && experience.resolutionMs > DRIVER_EFFECTS.slowResolutionMs;
  return [experience.pingPong, experience.unownedMs > DRIVER_EFFECTS.unownedLimitMs, slow].filter(Boolean).length;
}

/** The customer feels the case: mood down per bad experience, and maybe a decision to leave. */
export function feelCaseExperience(journey: CustomerJourney, experience: CaseExperience): void {
  const bad = badExperiences(experience);
  if (bad === 0 || !journey.context.driverEffects) return;
  const state = journey.state;
  state.mood = Math.max(0, state.mood - DRIVER_EFFECTS.moodPerBadExperience * bad);
  const risk = Math.min(DRIVER_EFFECTS.maxChurnRisk, DRIVER_EFFECTS.churnRiskPerBadExperience * bad);
  if (!journey.rng.chance(risk)) return;
  const leaveAt = experience.endedAt + journey.rng.exponential(DRIVER_EFFECTS.meanDaysToLeave * DAY_MS);
  journey.leaveAt(leaveAt, journey.rng.chance(DRIVER_EFFECTS.explicitShare));
}

/**
 * An agent followed up on an alert about the customer (the closed loop, SPEC §2.4): call it
 * where the follow-up is planned. The mood lifts, and a departure still ahead may be undone.
 */
export function feelFollowUp(journey: CustomerJourney, at: number): void {
  if (!journey.context.driverEffects) return;
  journey.state.mood = Math.min(1, journey.state.mood + DRIVER_EFFECTS.moodPerFollowUp);
  if (journey.rng.chance(DRIVER_EFFECTS.followUpKeepsChance)) journey.stay(at);
}
