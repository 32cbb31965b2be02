import { Kysely, sql, type RawBuilder } from 'kysely';
import { ANSWER_FLAG_COLUMNS } from '@cx/projection';
import { DRIVER_PERIOD_MS, FOLLOW_UP_SIGNALS, type DriverAttribute, type DriverGroupBy, type DriverTallies, type Tally } from '@cx/views';
import { segmentOf, tierOf, valueTierTables } from './value-tier-sql';

/**
 * The NPS and CSAT outcomes of SPEC §2.5 in SQL: one scan of the window's answers in
 * `driver_answers` (each carrying its case and channel attributes), summing per group the
 * responses and points of everyone and of those with each attribute. Exact integers; the
 * pure `driverBlock` rounds and ranks them.
 */

export interface AnswerQuery {
  outcome: 'nps' | 'csat';
  from: number;
  until: number;
  groupBy: DriverGroupBy | null;
  currency: string | null;
  followUpSlaMs: number;
}

/** The stored flags, and `followedUpAlert` worked out per answer from the alerts (see `followedUp`). */
const FLAGS = [...Object.entries(ANSWER_FLAG_COLUMNS), ['followedUpAlert', 'followed_up_alert']] as Array<[DriverAttribute, string]>;

/**
 * `followedUpAlert` of an answer: a `detractor` or `at_risk` alert of its customer (the alerts
 * projection, canonical customer ids) followed up in (time − 90 days, time], within the SLA of
 * being raised. One probe of the alerts' (customer_id, followed_up_at) index per answer.
 */
const followedUp = (slaMs: number) => sql`CASE WHEN EXISTS (
  SELECT 1 FROM alerts f
  WHERE f.customer_id = w.customer_id AND f.followed_up_at > w.time - ${DRIVER_PERIOD_MS} AND f.followed_up_at <= w.time
    AND f.signal IN (${sql.join(FOLLOW_UP_SIGNALS)}) AND f.followed_up_at - f.raised_at <= ${slaMs}
) THEN 1 ELSE 0 END`;

/** Per flag, its count and points; flag i is c<i>/p<i> (short names keep PostgreSQL's identifiers valid). */
const flagSums = sql.join(
  FLAGS.map(
    ([, column], i) => sql`SUM(a.${sql.ref(column)}) AS ${sql.ref(`c${i}`)}, SUM(a.${sql.ref(column)} * a.points) AS ${sql.ref(`p${i}`)}`,
  ),
);

interface GroupKey {
  with: RawBuilder<unknown>;
  select: RawBuilder<unknown>;
  join: RawBuilder<unknown>;
  groupBy: RawBuilder<unknown>;
}

/**
 * The buyers' revenue and the top tier's cut are worked out once (MATERIALIZED) and joined to
 * the answers: as a derived table, PostgreSQL planned a nested loop that ranked every buyer
 * again for each answer in the window (seconds at 100,000 events).
 */
function groupKey(query: AnswerQuery): GroupKey {
  const none = sql``;
  if (query.groupBy === 'segment')
    return { with: none, select: sql`${segmentOf(sql.ref('a.customer_id'), query.until)} AS grp,`, join: none, groupBy: sql`GROUP BY grp` };
  if (query.groupBy === 'valueTier') {
    if (query.currency === null) return { with: none, select: sql`'none' AS grp,`, join: none, groupBy: sql`GROUP BY grp` };
    return {
      with: sql`WITH ${valueTierTables(query.currency, query.until)}`,
      select: sql`${tierOf(sql`t.total`)} AS grp,`,
      join: sql`LEFT JOIN value_revenue t ON t.customer_id = a.customer_id`,
      groupBy: sql`GROUP BY grp`,
    };
  }
  return { with: none, select: none, join: none, groupBy: none };
}

type Row = Record<string, string | number | null> & { grp?: string };

/** Tallies per group ('' without grouping); a group appears only with an answer in it. */
export async function answerTallies(db: Kysely<any>, query: AnswerQuery): Promise<Map<string, DriverTallies>> {
  const key = groupKey(query);
  const { rows } = await sql<Row>`
    ${key.with}
    SELECT ${key.select} COUNT(*) AS n, SUM(a.points) AS p, ${flagSums}
    FROM (
      SELECT w.*, ${followedUp(query.followUpSlaMs)} AS followed_up_alert FROM driver_answers w
      WHERE w.survey = ${query.outcome} AND w.time >= ${query.from} AND w.time < ${query.until}
    ) a ${key.join}
    ${key.groupBy}`.execute(db);
  const groups = new Map<string, DriverTallies>();
  for (const row of rows) {
    const count = Number(row.n ?? 0);
    if (count === 0) continue;
    const tally = (c: unknown, p: unknown): Tally => ({ count: Number(c ?? 0), points: Number(p ?? 0) });
    groups.set(row.grp ?? '', {
      overall: tally(row.n, row.p),
      with: new Map(FLAGS.map(([attribute], i) => [attribute, tally(row[`c${i}`], row[`p${i}`])])),
    });
  }
  return groups;
}
