import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { SnapshotRead } from '@cx/projection';
import { UNKNOWN_ALERT_GROUP, type ClosedLoopGroupBy, type ClosedLoopTally, type NpsTally } from '@cx/views';
import { inLanes } from '../report-snapshot';

/**
 * The closed-loop report's tallies (SPEC §2.4), summed in the database per group: the pure
 * `closedLoopReport` tallies the same from alerts, and `closedLoopBlockOf` rounds both. Four
 * statements over the window's alerts (the covering `alerts_closed_loop` index): the counts,
 * the middle follow-up delays, and the NPS detractors' next answers and churn. Reading every
 * alert of a quarter into the process instead (about 38,000 at 1,000,000 events) cost 270 ms
 * on SQLite, most of it making their rows.
 */

export interface ClosedLoopQuery {
  from: number;
  to: number;
  groupBy: ClosedLoopGroupBy | null;
  followUpSlaMs: number;
}

type Row = Record<string, unknown> & { grp: string | null };

/** Known from the events before `to`: a follow-up at `to` or later does not count. */
const followed = (to: number) => sql`(a.followed_up_at IS NOT NULL AND a.followed_up_at < ${to})`;

/**
 * The alert's group, as the pure `groupKey`: the team when raised, else the follow-up's
 * team (known before `to`); the customer's latest segment named before `to`; the signal.
 */
function groupOf(groupBy: ClosedLoopGroupBy | null, to: number): RawBuilder<unknown> {
  const unknown = sql.lit(UNKNOWN_ALERT_GROUP);
  switch (groupBy) {
    case null:
      return sql`CAST(NULL AS TEXT)`;
    case 'signal':
      return sql`a.signal`;
    case 'team':
      return sql`COALESCE(a.team, CASE WHEN ${followed(to)} THEN a.follow_up_team END, ${unknown})`;
    case 'segment':
      return sql`COALESCE((SELECT f.segment FROM alert_customer_facts f
        WHERE f.customer_id = a.customer_id AND f.kind = 'profile' AND f.segment IS NOT NULL AND f.time < ${to}
        ORDER BY f.time DESC, f.position DESC LIMIT 1), ${unknown})`;
  }
}

/** The window's alerts with their group `grp` (NULL without grouping) and any `columns` of their own. */
const grouped = ({ from, to, groupBy }: ClosedLoopQuery, columns: RawBuilder<unknown>, where: RawBuilder<unknown> = sql`TRUE`) =>
  sql`SELECT ${groupOf(groupBy, to)} AS grp, ${columns} FROM alerts a WHERE a.raised_at >= ${from} AND a.raised_at < ${to} AND ${where}`;

const number = (value: unknown): number => Number(value ?? 0);

/** Raised, followed up, within the SLA and overdue, per group. */
async function counts(db: Kysely<any>, query: ClosedLoopQuery): Promise<Row[]> {
  const { to, followUpSlaMs: sla } = query;
  const { rows } = await sql<Row>`
    SELECT g.grp AS grp, COUNT(*) AS raised, SUM(g.followed) AS followed_up,
      SUM(CASE WHEN g.followed = 1 AND g.delay <= ${sla} THEN 1 ELSE 0 END) AS within_sla,
      SUM(CASE WHEN g.followed = 0 AND ${to} - g.raised_at > ${sla} THEN 1 ELSE 0 END) AS overdue
    FROM (${grouped(query, sql`CASE WHEN ${followed(to)} THEN 1 ELSE 0 END AS followed, a.followed_up_at - a.raised_at AS delay, a.raised_at`)}) g
    GROUP BY g.grp`.execute(db);
  return rows;
}

/**
 * The middle follow-up delay of each group, or its two middle ones: the group's delays
 * numbered in order, and the rows at the middle kept. With grouping, the whole window is one
 * more partition (`total` 1), as a median does not add up across groups.
 */
async function middleDelays(db: Kysely<any>, query: ClosedLoopQuery): Promise<Row[]> {
  const delays = (total: number, groupBy: ClosedLoopGroupBy | null) =>
    grouped({ ...query, groupBy }, sql`${sql.lit(total)} AS total, a.followed_up_at - a.raised_at AS delay`, followed(query.to));
  const all = query.groupBy === null ? delays(1, null) : sql`${delays(0, query.groupBy)} UNION ALL ${delays(1, null)}`;
  const { rows } = await sql<Row>`
    SELECT m.grp AS grp, m.total AS total, m.delay AS delay FROM (
      SELECT d.grp, d.total, d.delay,
        ROW_NUMBER() OVER (PARTITION BY d.total, d.grp ORDER BY d.delay) AS n,
        COUNT(*) OVER (PARTITION BY d.total, d.grp) AS size
      FROM (${all}) d
    ) m
    WHERE m.n = (m.size + 1) / 2 OR m.n = m.size / 2 + 1
    ORDER BY m.total, m.grp, m.delay`.execute(db);
  return rows;
}

/**
 * The window's NPS detractor alerts with their group and side (`followed` 1: followed up
 * before `to`) and `columns`, summed per group and side by `sums`: materialized first, so a
 * correlated look-up named by two sums runs once per alert. The signal is tested as
 * `IS TRUE` so that SQLite reads the alerts from the covering `alerts_closed_loop` index
 * rather than the signal's own, and a row per alert (25 against 5 ms at 1,000,000 events).
 */
async function detractorSums(
  db: Kysely<any>,
  query: ClosedLoopQuery,
  columns: RawBuilder<unknown>,
  sums: RawBuilder<unknown>,
): Promise<Row[]> {
  const detractors = grouped(
    query,
    sql`CASE WHEN ${followed(query.to)} THEN 1 ELSE 0 END AS followed, ${columns}`,
    sql`(a.signal = 'detractor') IS TRUE AND a.survey = 'nps'`,
  );
  const { rows } = await sql<Row>`
    WITH d AS MATERIALIZED (${detractors})
    SELECT d.grp AS grp, d.followed AS followed, COUNT(*) AS alerts, ${sums} FROM d GROUP BY d.grp, d.followed`.execute(db);
  return rows;
}

/**
 * Each detractor's next NPS answer before `to`, in SPEC §2 order after the answer that raised
 * it (a threshold alert has no position: only later times count), less the detractor's score.
 * `n.time >= a.raised_at` alone bounds the index range; the rest decides the ties.
 */
function detractorAnswers(db: Kysely<any>, query: ClosedLoopQuery): Promise<Row[]> {
  const nextScore = sql`(SELECT n.score FROM alert_customer_facts n
    WHERE n.customer_id = a.customer_id AND n.kind = 'nps' AND n.time >= a.raised_at AND n.time < ${query.to}
      AND (n.time > a.raised_at OR (a.raised_by IS NOT NULL AND n.position > a.raised_by))
    ORDER BY n.time, n.position LIMIT 1)`;
  return detractorSums(
    db,
    query,
    sql`${nextScore} - COALESCE(a.score, 0) AS nps_change`,
    sql`COUNT(d.nps_change) AS answered_again, SUM(d.nps_change) AS change_sum`,
  );
}

/** Which detractors' customers are `churned` just before `to`: their latest stage change before it. */
function detractorChurn(db: Kysely<any>, query: ClosedLoopQuery): Promise<Row[]> {
  const stage = sql`(SELECT s.stage FROM alert_customer_stages s WHERE s.customer_id = a.customer_id AND s.since < ${query.to} ORDER BY s.since DESC LIMIT 1)`;
  return detractorSums(db, query, sql`CASE WHEN ${stage} = 'churned' THEN 1 ELSE 0 END AS churned`, sql`SUM(d.churned) AS churned`);
}

const noNps = (): NpsTally => ({ alerts: 0, answeredAgain: 0, changeSum: 0, churned: 0 });

const emptyTally = (): ClosedLoopTally => ({
  raised: 0,
  followedUp: 0,
  withinSla: 0,
  overdueNow: 0,
  middleDelaysMs: [],
  detractorNps: { followedUp: noNps(), notFollowedUp: noNps() },
});

const addNps = (a: NpsTally, b: NpsTally): NpsTally => ({
  alerts: a.alerts + b.alerts,
  answeredAgain: a.answeredAgain + b.answeredAgain,
  changeSum: a.changeSum + b.changeSum,
  churned: a.churned + b.churned,
});

/** The tallies of the window (`totals`) and of each group with an alert in it. */
export interface ClosedLoopTallies {
  totals: ClosedLoopTally;
  groups: Map<string, ClosedLoopTally>;
}

/** Runs the four statements in the snapshot's lanes, the costliest first, and puts their rows together. */
export async function closedLoopTallies(read: SnapshotRead, query: ClosedLoopQuery): Promise<ClosedLoopTallies> {
  const [answers, churn, middles, countRows] = await inLanes(read, [
    (db) => detractorAnswers(db, query),
    (db) => detractorChurn(db, query),
    (db) => middleDelays(db, query),
    (db) => counts(db, query),
  ]);
  const totals = emptyTally();
  const groups = new Map<string, ClosedLoopTally>();
  const tallyOf = (grp: string | null) => {
    if (grp === null) return totals;
    const tally = groups.get(grp) ?? emptyTally();
    groups.set(grp, tally);
    return tally;
  };
  for (const row of countRows) {
    const [raised, followedUp, withinSla, overdueNow] = [row.raised, row.followed_up, row.within_sla, row.overdue].map(number);
    for (const tally of new Set([totals, tallyOf(row.grp)])) {
      tally.raised += raised;
      tally.followedUp += followedUp;
      tally.withinSla += withinSla;
      tally.overdueNow += overdueNow;
    }
  }
  for (const row of middles) {
    const tally = number(row.total) === 1 ? totals : tallyOf(row.grp);
    tally.middleDelaysMs = [...tally.middleDelaysMs, number(row.delay)];
  }
  const addDetractors = (row: Row, nps: NpsTally) => {
    const side = number(row.followed) === 1 ? 'followedUp' : 'notFollowedUp';
    for (const tally of new Set([totals, tallyOf(row.grp)])) tally.detractorNps[side] = addNps(tally.detractorNps[side], nps);
  };
  // Both statements count the same alerts: the number of alerts is taken from one of them.
  for (const row of answers)
    addDetractors(row, {
      alerts: number(row.alerts),
      answeredAgain: number(row.answered_again),
      changeSum: number(row.change_sum),
      churned: 0,
    });
  for (const row of churn) addDetractors(row, { alerts: 0, answeredAgain: 0, changeSum: 0, churned: number(row.churned) });
  return { totals, groups };
}
