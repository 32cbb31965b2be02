import { DEFAULT_PRESET, isPreset, periodOf, previousPeriod, type Period, type Preset } from './period.js';
import { OUTCOMES, STAGES, type Outcome, type Stage } from './types.js';

/**
 * What the page shows, read from the URL so that a view can be shared as a link:
 * `?preset=30d&segment=smb&groupBy=channel&outcome=csat&stage=loyal&customer=C-1`, or
 * `?preset=custom&from=2026-01-01&to=2026-04-01` (UTC days, `to` exclusive).
 */
export interface View {
  preset: Preset;
  /** Custom days as typed (only with preset=custom). */
  days: { from: string | null; to: string | null };
  period: Period;
  previous: Period;
  segment: string | null;
  groupBy: 'none' | 'channel' | 'team' | 'segment';
  outcome: Outcome;
  /** The funnel stage whose customers are listed. */
  stage: Stage | null;
  customer: string | null;
}

const GROUP_BYS = ['none', 'channel', 'team', 'segment'] as const;

const oneOf = <T extends string>(values: readonly T[], text: string | null, fallback: T): T =>
  values.includes(text as T) ? (text as T) : fallback;

export function readView(search: string, now: number): View {
  const params = new URLSearchParams(search);
  const given = params.get('preset') ?? (params.get('from') && params.get('to') ? 'custom' : null);
  const preset = isPreset(given) ? given : DEFAULT_PRESET;
  const days = { from: params.get('from'), to: params.get('to') };
  const period = periodOf(preset, now, days);
  const stage = params.get('stage');
  return {
    preset,
    days,
    period,
    previous: previousPeriod(period),
    segment: params.get('segment') || null,
    groupBy: oneOf(GROUP_BYS, params.get('groupBy'), 'none'),
    outcome: oneOf(OUTCOMES, params.get('outcome'), 'nps'),
    stage: STAGES.includes(stage as Stage) ? (stage as Stage) : null,
    customer: params.get('customer') || null,
  };
}

export type ViewChange = Partial<
  Record<'preset' | 'from' | 'to' | 'segment' | 'groupBy' | 'outcome' | 'stage' | 'customer', string | null>
>;

/** The URL's query with these changes (empty values and defaults left out). */
export function searchWith(search: string, change: ViewChange): string {
  const params = new URLSearchParams(search);
  for (const [name, value] of Object.entries(change)) {
    if (!value) params.delete(name);
    else params.set(name, value);
  }
  if (params.get('preset') !== 'custom') {
    params.delete('from');
    params.delete('to');
  }
  if (params.get('groupBy') === 'none') params.delete('groupBy');
  if (params.get('outcome') === 'nps') params.delete('outcome');
  const text = params.toString();
  return text ? `?${text}` : '';
}
