/** One day in milliseconds: event times are epoch milliseconds. */
export const LIFECYCLE_DAY_MS = 86_400_000;

/**
 * The time thresholds of the lifecycle rules (SPEC §2 settings table). They are settings so
 * ops can tune them; the rules take them as an argument and never read the environment.
 */
export interface LifecycleSettings {
  /** A customer whose last purchase is more than this old is `at_risk` (rule 3). */
  atRiskInactivityMs: number;
  /** A customer whose last purchase is more than this old is `churned` (rule 2). */
  churnInactivityMs: number;
  /** An unresolved complaint opened more than this long ago makes the customer `at_risk` (rule 3). */
  complaintAtRiskAgeMs: number;
}

export const DEFAULT_LIFECYCLE_SETTINGS: Readonly<LifecycleSettings> = Object.freeze({
  atRiskInactivityMs: 90 * LIFECYCLE_DAY_MS,
  churnInactivityMs: 180 * LIFECYCLE_DAY_MS,
  complaintAtRiskAgeMs: 7 * LIFECYCLE_DAY_MS,
});

/** Rules 3 and 4 look at "the latest NPS answer in the 90 days up to T": fixed by the spec, not a setting. */
export const LIFECYCLE_NPS_WINDOW_MS = 90 * LIFECYCLE_DAY_MS;
