import { DRIVER_PERIOD_MS } from './driver-settings';

/**
 * The stretch of time an attribute is measured over (SPEC §2.5): for an answer at t,
 * (t − 90 days, t], the answer's own instant included; for churn, the report's window
 * [from, to). Times are whole milliseconds.
 */
export interface Period {
  lo: number;
  hi: number;
  /** Which end is closed: `hi` for an answer's period, `lo` for a window. */
  closed: 'hi' | 'lo';
}

export const answerPeriod = (answeredAt: number): Period => ({ lo: answeredAt - DRIVER_PERIOD_MS, hi: answeredAt, closed: 'hi' });

export const windowPeriod = (from: number, to: number): Period => ({ lo: from, hi: to, closed: 'lo' });

/** Whether an instant falls in the period. */
export const inPeriod = (period: Period, time: number): boolean =>
  period.closed === 'hi' ? period.lo < time && time <= period.hi : period.lo <= time && time < period.hi;

/** Whether an event counts for the state *as of* the period's end: up to `hi` for an answer, before `to` for a window (SPEC §2.2 "at `to`"). */
export const knownBy = (period: Period, time: number): boolean => (period.closed === 'hi' ? time <= period.hi : time < period.hi);

/** The first and last whole-millisecond instants of the period. */
export const firstInstant = (period: Period): number => (period.closed === 'hi' ? period.lo + 1 : period.lo);
export const lastInstant = (period: Period): number => (period.closed === 'hi' ? period.hi : period.hi - 1);

/** How long [start, end) runs inside the period, in milliseconds (the ends do not matter for a length). */
export const overlapMs = (period: Period, start: number, end: number): number =>
  Math.max(0, Math.min(end, period.hi) - Math.max(start, period.lo));
