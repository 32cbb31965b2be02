import { ApiError } from '@cx/http';
import { checkedInstant } from './parameter-decorators';
import type { ReportWindowParams } from './report.params';

/** SPEC §3: every answer is bounded; a report window spans at most 10 years. */
export const MAX_WINDOW_YEARS = 10;

/** The window [from, to) of validated parameters, as epoch ms: from <= to (equal is an empty window), at most 10 years long. */
export function reportWindow(params: ReportWindowParams): { from: number; to: number } {
  const from = checkedInstant(params.from);
  const to = checkedInstant(params.to);
  if (from > to)
    throw new ApiError(400, 'invalid_parameter', 'from must not be after to', [
      { parameter: 'from', message: 'from must not be after to' },
    ]);
  if (to > yearsAfter(from, MAX_WINDOW_YEARS)) {
    const message = `the window from ${params.from} to ${params.to} is longer than ${MAX_WINDOW_YEARS} years; ask for ${MAX_WINDOW_YEARS} years or less`;
    throw new ApiError(400, 'window_too_long', message, [{ parameter: 'to', message }]);
  }
  return { from, to };
}

/** The same instant `years` calendar years later (UTC); February 29th becomes March 1st. */
function yearsAfter(ms: number, years: number): number {
  const date = new Date(ms);
  date.setUTCFullYear(date.getUTCFullYear() + years);
  return date.getTime();
}
