/**
 * The window a view covers, from the URL. Pure: `now` is passed in. A preset window ends
 * now (to the second); a custom one is whole UTC days, `to` exclusive.
 */

export const PRESETS = ['7d', '30d', '90d', 'quarter', 'year', '12m', 'custom'] as const;
export type Preset = (typeof PRESETS)[number];
export const DEFAULT_PRESET: Preset = '12m';

export interface Period {
  /** Epoch ms, `to` exclusive. */
  from: number;
  to: number;
}

const DAY = 86_400_000;
/** At most this many months are asked for one by one (the trend charts). */
export const MAX_MONTHS = 60;

export const isPreset = (text: string | null): text is Preset => PRESETS.includes(text as Preset);

const utcDay = (text: string | null): number | null => {
  if (!text || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return Number.isNaN(ms) ? null : ms;
};

/** The window of a preset ending at `now`; custom days when both are valid, else the default preset. */
export function periodOf(preset: Preset, now: number, days: { from: string | null; to: string | null } = { from: null, to: null }): Period {
  const to = Math.floor(now / 1000) * 1000;
  const date = new Date(to);
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth();
  switch (preset) {
    case '7d':
      return { from: to - 7 * DAY, to };
    case '30d':
      return { from: to - 30 * DAY, to };
    case '90d':
      return { from: to - 90 * DAY, to };
    case 'quarter':
      return { from: Date.UTC(y, m - (m % 3), 1), to };
    case 'year':
      return { from: Date.UTC(y, 0, 1), to };
    case '12m':
      return { from: monthsBefore(to, 12), to };
    case 'custom': {
      const from = utcDay(days.from);
      const end = utcDay(days.to);
      return from !== null && end !== null && from < end ? { from, to: end } : periodOf(DEFAULT_PRESET, now);
    }
  }
}

/** The same instant `months` calendar months earlier (clamped to the month's last day). */
function monthsBefore(ms: number, months: number): number {
  const d = new Date(ms);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return target.getTime();
}

/** The period of the same length just before: what a KPI is compared with. */
export const previousPeriod = (period: Period): Period => ({ from: period.from - (period.to - period.from), to: period.from });

export interface MonthWindow extends Period {
  label: string;
}

/** Calendar months of the period, the first and last cut to it. */
export function monthsOf(period: Period): MonthWindow[] {
  const months: MonthWindow[] = [];
  for (let cursor = period.from; cursor < period.to && months.length < MAX_MONTHS;) {
    const d = new Date(cursor);
    const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    months.push({ label: d.toISOString().slice(0, 7), from: cursor, to: Math.min(next, period.to) });
    cursor = next;
  }
  return months;
}

export const iso = (ms: number): string => new Date(ms).toISOString();
export const day = (ms: number): string => iso(ms).slice(0, 10);
