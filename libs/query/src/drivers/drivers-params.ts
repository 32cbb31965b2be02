import { ApiError } from '@cx/http';
import { DRIVER_GROUP_BYS, DRIVER_OUTCOMES, type DriverGroupBy, type DriverOutcome } from '@cx/views';
import { instantParam } from '../query-params';

/** What `GET /v1/reports/drivers` and `cx report drivers` ask for, parsed. */
export interface DriversRequest {
  from: number;
  to: number;
  asOf?: number;
  outcome: DriverOutcome;
  groupBy: DriverGroupBy | null;
  currency: string | null;
}

/** The raw parameters, as strings (the API) or already parsed instants (`cx report`). */
export interface DriversParams {
  from?: string | number;
  to?: string | number;
  asOf?: string | number;
  outcome?: string;
  groupBy?: string;
  currency?: string;
}

const MAX_YEARS = 10;

/** A 400 in the shape of the query parameter checks: details name the parameter. */
const bad = (parameter: string, message: string, code = 'invalid_parameter') => new ApiError(400, code, message, [{ parameter, message }]);

function instant(name: string, value: string | number | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (value === undefined || value === '') return undefined;
  return instantParam(name, value, Number.NaN);
}

function requiredInstant(name: string, value: string | number | undefined): number {
  const at = instant(name, value);
  if (at === undefined) throw bad(name, `${name} is required: an RFC 3339 time with an offset, e.g. 2026-03-01T00:00:00Z`);
  return at;
}

/** SPEC §3: at most 10 years, calendar years in UTC (from 2020-02-29, up to 2030-03-01). */
export function tenYearsAfter(from: number): number {
  const d = new Date(from);
  return Date.UTC(
    d.getUTCFullYear() + MAX_YEARS,
    d.getUTCMonth(),
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  );
}

function oneOf<T extends string, F extends T | null>(name: string, value: string | undefined, allowed: readonly T[], fallback: F): T | F {
  if (value === undefined || value === '') return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw bad(name, `${name} must be one of ${allowed.join(', ')}`);
}

/**
 * SPEC §2.5 and §3: `from` and `to` required (from <= to, at most 10 years apart), `outcome`
 * nps (default), csat or churn, `groupBy` none (default), segment or valueTier, `currency`
 * (three capital letters, only with groupBy=valueTier), `asOf` an RFC 3339 instant.
 */
export function driversRequest(params: DriversParams): DriversRequest {
  const from = requiredInstant('from', params.from);
  const to = requiredInstant('to', params.to);
  if (from > to) throw bad('from', 'from must not be after to');
  if (to > tenYearsAfter(from))
    throw bad('to', `the window is longer than ${MAX_YEARS} years; ask for ${MAX_YEARS} years or less`, 'window_too_long');
  const outcome = oneOf('outcome', params.outcome, DRIVER_OUTCOMES, 'nps');
  const groupBy = params.groupBy === 'none' ? null : oneOf('groupBy', params.groupBy, DRIVER_GROUP_BYS, null);
  const currency = params.currency === undefined || params.currency === '' ? null : params.currency;
  if (currency !== null && !/^[A-Z]{3}$/.test(currency))
    throw bad('currency', 'currency must be an ISO 4217 code of three capital letters, e.g. EUR');
  if (currency !== null && groupBy !== 'valueTier')
    throw bad('currency', 'currency applies to groupBy=valueTier only: it chooses the currency value tiers rank revenue in');
  const asOf = instant('asOf', params.asOf);
  return { from, to, ...(asOf === undefined ? {} : { asOf }), outcome, groupBy, currency };
}
