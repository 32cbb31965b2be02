import { DEFAULT_CASE_SETTINGS, type CaseSettings } from '../cases/case-settings';

const HOUR_MS = 3_600_000;

/** The settings alerts depend on (SPEC §2 and §5): the case SLA raises `handoff_stalled`, the follow-up SLA makes `overdue`. */
export interface AlertSettings extends CaseSettings {
  /** An alert open for more than this (strictly) is `overdue`. */
  followUpSlaMs: number;
}

export const DEFAULT_ALERT_SETTINGS: Readonly<AlertSettings> = Object.freeze({
  ...DEFAULT_CASE_SETTINGS,
  followUpSlaMs: 48 * HOUR_MS,
});
