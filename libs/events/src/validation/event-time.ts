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
  const [, year, month, day, hour, minute, second] = match;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return null;
  const fields = [Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)] as const;
  const asUtc = new Date(Date.UTC(...fields));
  const roundTrips =
    asUtc.getUTCFullYear() === fields[0] &&
    asUtc.getUTCMonth() === fields[1] &&
    asUtc.getUTCDate() === fields[2] &&
    asUtc.getUTCHours() === fields[3] &&
    asUtc.getUTCMinutes() === fields[4] &&
    asUtc.getUTCSeconds() === fields[5];
  return roundTrips ? ms : null;
}

export function isWithinAcceptedTimeRange(timeMs: number, nowMs: number): boolean {
  return timeMs >= EARLIEST_EVENT_TIME && timeMs <= nowMs + MAX_CLOCK_SKEW_MS;
}
