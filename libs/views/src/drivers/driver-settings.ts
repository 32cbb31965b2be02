/** The fixed measures of SPEC §2.5, and the settings the attributes depend on. */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** An answer's attributes are measured over (answer time − 90 days, answer time]. */
export const DRIVER_PERIOD_MS = 90 * DAY_MS;
/** `unownedOver4h`: a case had no owner for more than this, in total, within the period. */
export const UNOWNED_LIMIT_MS = 4 * HOUR_MS;
/** `slowResolution`: a case took more than this from opened to resolved. */
export const SLOW_RESOLUTION_MS = 72 * HOUR_MS;
/** Value tiers rank customers by their revenue over this many days before `to`. */
export const VALUE_TIER_SPAN_MS = 365 * DAY_MS;

export interface DriverSettings {
  /** SPEC §2 handoff acceptance SLA: a request pending longer is `stalled` (`hadStalledHandoff`). */
  handoffAcceptanceSlaMs: number;
  /** SPEC §2.4 follow-up SLA: an alert followed up within it counts for `followedUpAlert`. */
  followUpSlaMs: number;
}

export const DEFAULT_DRIVER_SETTINGS: Readonly<DriverSettings> = Object.freeze({
  handoffAcceptanceSlaMs: 4 * HOUR_MS,
  followUpSlaMs: 48 * HOUR_MS,
});
