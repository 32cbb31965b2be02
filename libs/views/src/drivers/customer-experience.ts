import type { CaseState } from '../cases/case-state';
import { caseExperience, type CaseExperience } from './case-experience';
import { channelAttribute, FOLLOWED_UP_ALERT, type CaseAttribute, type DriverAttribute } from './driver-attributes';
import type { AlertFollowUpFact, ContactFact } from './driver-facts';
import { inPeriod, type Period } from './driver-period';
import { UNOWNED_LIMIT_MS, type DriverSettings } from './driver-settings';

/** The alerts whose follow-up counts (SPEC §2.5): a customer who scored low, or went at risk. */
export const FOLLOW_UP_SIGNALS: readonly string[] = ['detractor', 'at_risk'];

/**
 * The case attributes of one customer over a period, from the experiences of the cases that
 * were the customer's (as of the period's end) and part of the period.
 */
export function caseAttributes(experiences: readonly CaseExperience[]): CaseAttribute[] {
  if (experiences.length === 0) return [];
  const resolved = experiences.flatMap((e) => (e.resolved ? [e.resolved] : []));
  const rules: Record<CaseAttribute, boolean> = {
    hadCase: true,
    hadComplaint: experiences.some((e) => e.complaint),
    hadHandoff: experiences.some((e) => e.handoff),
    hadPingPong: experiences.some((e) => e.pingPong),
    hadStalledHandoff: experiences.some((e) => e.stalled),
    unownedOver4h: experiences.some((e) => e.unownedMs > UNOWNED_LIMIT_MS),
    firstContactResolution: resolved.length > 0 && resolved.every((r) => r.firstContact),
    slowResolution: resolved.some((r) => r.slow),
  };
  return (Object.keys(rules) as CaseAttribute[]).filter((name) => rules[name]);
}

/**
 * The experiences, over the period, of the cases that were `customerId`'s by its end. A plain
 * loop, no array per case: a hot customer's answer asks this of every case of its 90 days.
 */
export function customerCaseExperiences(customerId: string, cases: readonly CaseState[], period: Period, slaMs: number): CaseExperience[] {
  const experiences: CaseExperience[] = [];
  for (const state of cases) {
    const experience = caseExperience(state, period, slaMs);
    if (experience && experience.customerId === customerId) experiences.push(experience);
  }
  return experiences;
}

/** `channel:<name>` for each channel the customer reached the company on in the period. */
export function channelAttributes(customerId: string, contacts: readonly ContactFact[], period: Period): DriverAttribute[] {
  const used = new Set(contacts.filter((c) => c.customerId === customerId && inPeriod(period, c.time)).map((c) => c.channel));
  return [...used].map(channelAttribute);
}

/** A `detractor` or `at_risk` alert of the customer followed up in the period, within the follow-up SLA of being raised. */
export function followedUpAlert(
  customerId: string,
  followUps: readonly AlertFollowUpFact[],
  period: Period,
  followUpSlaMs: number,
): boolean {
  return followUps.some(
    (alert) =>
      alert.customerId === customerId &&
      FOLLOW_UP_SIGNALS.includes(alert.signal) &&
      alert.followedUpAt !== null &&
      inPeriod(period, alert.followedUpAt) &&
      alert.followedUpAt - alert.raisedAt <= followUpSlaMs,
  );
}

export interface ExperienceSources {
  cases: readonly CaseState[];
  contacts: readonly ContactFact[];
  followUps: readonly AlertFollowUpFact[];
}

/** Every attribute the customer had over the period (SPEC §2.5). */
export function customerAttributes(
  customerId: string,
  period: Period,
  sources: ExperienceSources,
  settings: DriverSettings,
): Set<DriverAttribute> {
  const attributes = new Set<DriverAttribute>([
    ...caseAttributes(customerCaseExperiences(customerId, sources.cases, period, settings.handoffAcceptanceSlaMs)),
    ...channelAttributes(customerId, sources.contacts, period),
  ]);
  if (followedUpAlert(customerId, sources.followUps, period, settings.followUpSlaMs)) attributes.add(FOLLOWED_UP_ALERT);
  return attributes;
}
