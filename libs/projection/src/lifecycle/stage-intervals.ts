import { sql, type RawBuilder } from 'kysely';

/**
 * "Which customers are in one of these stages at T" over `customer_stages`, at a cost that grows
 * with the answer rather than with the history.
 *
 * An interval holds T when `since <= T` and it runs still or ends after T. No one ordering of
 * the intervals bounds both: led by `until`, a read passes every interval ended after T (all
 * the later history); led by `since`, every interval begun before T. So intervals are put in
 * length classes, and within a class an interval that holds T began at most the class's longest
 * length before T: class k (k = 0..11) holds ended intervals of at most 2^k days, more than half
 * of which do hold T among those a class's `since` range reads; class 12 the longer ones (over
 * 5.6 years: few); class -1 the running ones, all of which hold T when begun by T.
 *
 * The class is an index expression (`customer_stages_by_stage_length`), written with literals
 * only: SQLite and PostgreSQL use an expression index only for the same expression in a query.
 */

const DAY_MS = 86_400_000;
/** Class k holds ended intervals of at most 2^k days; class `LONGEST` the longer ones. */
const LONGEST = 12;
const RUNNING = -1;
const classes = Array.from({ length: LONGEST }, (_, k) => k);
const longestLength = (lengthClass: number) => DAY_MS * 2 ** lengthClass;

const since = sql.ref('since');
const until = sql.ref('until');

/** An interval's length class, as the index and the queries write it. */
export const stageLengthClass: RawBuilder<number> = sql<number>`CASE WHEN ${until} IS NULL THEN ${sql.lit(RUNNING)} ${sql.join(
  classes.map((k) => sql`WHEN ${until} - ${since} <= ${sql.lit(longestLength(k))} THEN ${sql.lit(k)}`),
  sql` `,
)} ELSE ${sql.lit(LONGEST)} END`;

/** `since` after `after`, when there is a lower bound. */
const begunAfter = (after: number | null) => (after === null ? sql`` : sql`AND ${since} > ${after}`);

const inClass = (stages: RawBuilder<unknown>, lengthClass: number, range: RawBuilder<unknown>) =>
  sql`SELECT customer_id, ${until} AS until FROM customer_stages
  WHERE stage IN (${stages}) AND ${stageLengthClass} = ${sql.lit(lengthClass)} ${range}`;

/**
 * The intervals (`customer_id`, `until`) of `stages` that hold `at`, begun after `after` when it
 * is given: one index range per stage and class.
 */
export function stageIntervalsHolding(stages: readonly string[], at: number, after: number | null = null): RawBuilder<unknown> {
  const listed = sql.join(stages.map((stage) => sql.lit(stage)));
  const ended = classes.map((k) => {
    const earliest = Math.max(at - longestLength(k), after ?? Number.NEGATIVE_INFINITY);
    return inClass(listed, k, sql`AND ${since} > ${earliest} AND ${since} <= ${at} AND ${until} > ${at}`);
  });
  return sql.join(
    [
      inClass(listed, RUNNING, sql`${begunAfter(after)} AND ${since} <= ${at}`),
      ...ended,
      inClass(listed, LONGEST, sql`${begunAfter(after)} AND ${since} <= ${at} AND ${until} > ${at}`),
    ],
    sql` UNION ALL `,
  );
}
