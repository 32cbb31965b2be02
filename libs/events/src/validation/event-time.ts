/** SPEC §1.1: events from before 2000 or more than 5 minutes ahead of the clock are refused. */
export const EARLIEST_EVENT_TIME = Date.UTC(2000, 0, 1);
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * RFC 3339 with its offset, the one form of a time the API accepts (event `time`, query
 * instants): without an offset `Date.parse` would read the time in the server's zone.
 * A string, for the envelope's JSON Schema; `parseRfc3339` applies the same rule.
 */
export const RFC_3339_PATTERN = '^(\\d{4})-(\\d{2})-(\\d{2})[Tt](\\d{2}):(\\d{2}):(\\d{2})(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})$';
const RFC_3339 = new RegExp(RFC_3339_PATTERN);

/**
 * Epoch milliseconds of an RFC 3339 time, or null when the text is not one or names no
 * real instant (a 30th of February, hour 25, ...), which `Date.parse` would otherwise
 * roll over silently.
 */
export function parseRfc3339(text: string): number | null {
  const match = RFC_3339.exec(text);
  if (!match) return null;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return null;
  return namesRealInstant(+match[1], +match[2], +match[3], +match[4], +match[5], +match[6]) ? ms : null;
}

/**
 * Whether the fields, as written, are a date of the calendar and a time of the day: what
 * a round trip through `Date.UTC` checked, without a Date per call. A year below 100 never
 * made that round trip (`Date.UTC` reads it as 19xx), so it is refused here too.
 */
function namesRealInstant(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  return (
    year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour <= 23 && minute <= 59 && second <= 59
  );
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
}

export function isWithinAcceptedTimeRange(timeMs: number, nowMs: number): boolean {
  return timeMs >= EARLIEST_EVENT_TIME && timeMs <= nowMs + MAX_CLOCK_SKEW_MS;
}
