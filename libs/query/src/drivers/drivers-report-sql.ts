import type { ViewStore } from '@cx/projection';
import type { Settings } from '@cx/settings';
import { driverBlock, effectiveTo, VALUE_TIERS, type DriverBlock, type DriversReport, type DriverTallies } from '@cx/views';
import { inSnapshot } from '../report-snapshot';
import { answerTallies } from './answer-drivers-sql';
import { churnTallies } from './churn-drivers-sql';
import type { DriversRequest } from './drivers-params';
import { mostUsedCurrencyInSql } from './value-tier-sql';

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * SPEC §2.5 over [from, to), aggregated in the database and read in one snapshot: the same
 * report, to the rounding and order, as the pure `driversReport` of @cx/views.
 */
export async function driversReportInSql(views: ViewStore, request: DriversRequest, settings: Settings): Promise<DriversReport> {
  const { from, to, outcome, groupBy } = request;
  const until = effectiveTo(to, request.asOf);
  const head = { from, to, asOf: request.asOf ?? null, outcome };
  return inSnapshot(views, async (read) => {
    const { db } = read;
    const currency = groupBy === 'valueTier' ? (request.currency ?? (await mostUsedCurrencyInSql(db, until))) : null;
    const query = {
      dialect: views.dialect,
      from,
      until,
      groupBy,
      currency,
      slaMs: settings.thresholds.handoffAcceptanceSlaMs,
      followUpSlaMs: settings.alerts.followUpSlaMs,
    };
    const tallies =
      until < from
        ? new Map<string, DriverTallies>()
        : outcome === 'churn'
          ? await churnTallies(read, query, settings.thresholds)
          : await answerTallies(db, { ...query, outcome });
    const blocks = new Map([...tallies].map(([key, t]) => [key, driverBlock(outcome, t)]));
    if (groupBy === null)
      return {
        ...head,
        currency: null,
        groupBy,
        ...(blocks.get('') ?? driverBlock(outcome, { overall: { count: 0, points: 0 }, with: new Map() })),
      };
    const order: readonly string[] = groupBy === 'valueTier' ? VALUE_TIERS : [...blocks.keys()].sort(byCodeUnits);
    const groups: Record<string, DriverBlock> = Object.fromEntries(
      order.flatMap((key) => {
        const block = blocks.get(key);
        return block ? [[key, block]] : [];
      }),
    );
    return { ...head, currency, groupBy, groups };
  });
}
