/** How the page writes numbers. Pure: no DOM, so it is unit-tested beside the server's code. */

/** Counts with thousands separators, other numbers as the API rounded them, null as a dash. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return Number.isInteger(value) ? value.toLocaleString('en-US') : String(value);
}

/**
 * A duration in hours as a person reads it: minutes under an hour, hours and minutes under
 * two days, days and hours beyond (rounded to the unit shown last).
 */
export function formatHours(hours: number | null | undefined): string {
  if (hours === null || hours === undefined) return '–';
  const sign = hours < 0 ? '−' : '';
  const minutes = Math.round(Math.abs(hours) * 60);
  if (minutes < 60) return `${sign}${minutes} min`;
  if (minutes < 48 * 60) {
    const rest = minutes % 60;
    return `${sign}${Math.floor(minutes / 60)} h${rest ? ` ${rest} min` : ''}`;
  }
  const wholeHours = Math.round(minutes / 60);
  const rest = wholeHours % 24;
  return `${sign}${Math.floor(wholeHours / 24)} d${rest ? ` ${rest} h` : ''}`;
}

export const formatMinutes = (minutes: number | null | undefined): string =>
  formatHours(minutes === null || minutes === undefined ? minutes : minutes / 60);

/** current − previous to 1 decimal (the API's precision for scores and shares); null if either is missing. */
export function change(current: number | null | undefined, previous: number | null | undefined): number | null {
  if (current === null || current === undefined || previous === null || previous === undefined) return null;
  return Math.round((current - previous) * 10) / 10;
}

/** A test id or file name part from any text. */
export const slug = (text: string): string => text.replace(/[^A-Za-z0-9_.-]+/g, '_');

/** `at_risk` as `at risk`. */
export const label = (name: string): string => name.replace(/_/g, ' ');
