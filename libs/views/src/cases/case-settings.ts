/** Time thresholds of the case views (SPEC §2 settings table). */
export interface CaseSettings {
  /** A handoff request pending for more than this (strictly) at `asOf` is `stalled`. */
  handoffAcceptanceSlaMs: number;
}

export const DEFAULT_CASE_SETTINGS: Readonly<CaseSettings> = Object.freeze({
  handoffAcceptanceSlaMs: 4 * 60 * 60 * 1000,
});
