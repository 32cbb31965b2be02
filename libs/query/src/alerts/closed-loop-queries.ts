import { Inject, Injectable } from '@nestjs/common';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { CLOSED_LOOP_COLUMNS, closedLoopAlertOfRow, inChunks, VIEW_STORE, ViewStore, type AlertsTables } from '@cx/projection';
import { closedLoopReport, type ClosedLoopGroupBy, type ClosedLoopReport, type NpsAnswerMoment } from '@cx/views';
import { inLanes, inSnapshot } from '../report-snapshot';

export interface ClosedLoopQuery {
  from: number;
  to: number;
  groupBy: ClosedLoopGroupBy | null;
  followUpSlaMs: number;
}

/**
 * The closed-loop report (SPEC §2.4): the window's alerts read by `raised_at` (one range of
 * the covering `alerts_closed_loop` index: a row looked up per alert took most of the report's
 * time at 1,000,000 events), and for the customers they name, three seeks each: the stage just before `to`,
 * the segment at `to` (grouping by segment), the NPS answers after the first detractor
 * answer of the window. All in one snapshot of the views, so a batch the projector commits
 * meanwhile is in every read or in none; on PostgreSQL the answers, stages and segments are read
 * two at a time (`inLanes`). Not on SQLite: each lane is dozens of small statements, and the
 * replies of SQLite's reader thread wait for this thread's statements to end (at 1,000,000
 * events, p99 over HTTP 186–204 ms with one lane, 252–263 ms with two). The pure
 * `closedLoopReport` counts them, so the API and the domain rules cannot drift apart.
 */
@Injectable()
export class ClosedLoopQueries {
  constructor(@Inject(VIEW_STORE) private readonly views: ViewStore) {}

  report(query: ClosedLoopQuery): Promise<ClosedLoopReport> {
    return inSnapshot(this.views, async (read) => {
      const rows = await (read.db as Kysely<AlertsTables>)
        .selectFrom('alerts')
        .select([...CLOSED_LOOP_COLUMNS])
        .where('raised_at', '>=', query.from)
        .where('raised_at', '<', query.to)
        .execute();
      const alerts = rows.map(closedLoopAlertOfRow);
      const npsDetractors = alerts.filter((a) => a.signal === 'detractor' && a.detail.survey === 'nps');
      const npsCustomers = [...new Set(npsDetractors.map((a) => a.customerId))];
      const [answers, churned, segments] = await inLanes(this.views.dialect === 'postgres' ? read : { db: read.db }, [
        (db) => npsAnswers(db, npsCustomers, Math.min(...npsDetractors.map((a) => a.raisedAt)), query.to),
        (db) => churnedBefore(db, npsCustomers, query.to),
        (db) =>
          query.groupBy === 'segment'
            ? segmentsBefore(db, [...new Set(alerts.map((a) => a.customerId))], query.to)
            : Promise.resolve(new Map<string, string>()),
      ]);
      return closedLoopReport(alerts, {
        from: query.from,
        to: query.to,
        groupBy: query.groupBy,
        followUpSlaMs: query.followUpSlaMs,
        churnedAtTo: (id) => churned.has(id),
        segmentAtTo: (id) => segments.get(id) ?? null,
        npsAnswers: (id) => answers.get(id) ?? [],
      });
    });
  }
}

/** Customers whose stage just before `to` (from the events before it) is `churned`. */
async function churnedBefore(db: Kysely<any>, customerIds: readonly string[], to: number): Promise<Set<string>> {
  const stage = sql`(SELECT s.stage FROM ${sql.table('alert_customer_stages')} s
    WHERE s.customer_id = v.column1 AND s.since < ${to} ORDER BY s.since DESC LIMIT 1)`;
  const rows = await valuesOf(db, customerIds, stage);
  return new Set(rows.filter((row) => row.value === 'churned').map((row) => row.customer_id));
}

/** Each customer's latest segment named before `to`. */
async function segmentsBefore(db: Kysely<any>, customerIds: readonly string[], to: number): Promise<Map<string, string>> {
  const segment = sql`(SELECT f.segment FROM ${sql.table('alert_customer_facts')} f
    WHERE f.customer_id = v.column1 AND f.kind = 'profile' AND f.segment IS NOT NULL AND f.time < ${to}
    ORDER BY f.time DESC, f.position DESC LIMIT 1)`;
  const rows = await valuesOf(db, customerIds, segment);
  return new Map(rows.flatMap((row) => (row.value === null ? [] : [[row.customer_id, row.value]])));
}

/**
 * `value` (a scalar subquery of `v.column1`, the customer) for each customer: one statement
 * per chunk, the customers as a VALUES list. A UNION ALL of one LIMIT 1 query per customer
 * made PostgreSQL plan 100 subqueries for every 100 customers (the 8,958 detractor
 * customers' stages took 1.7 s at 1,000,000 events; SQLite 102 ms).
 */
async function valuesOf(
  db: Kysely<any>,
  customerIds: readonly string[],
  value: RawBuilder<unknown>,
): Promise<Array<{ customer_id: string; value: string | null }>> {
  const rows: Array<{ customer_id: string; value: string | null }> = [];
  for (const chunk of inChunks(customerIds)) {
    const customers = sql.join(chunk.map((id) => sql`(${id})`));
    const result = await sql<{ customer_id: string; value: string | null }>`
      SELECT v.column1 AS customer_id, ${value} AS value FROM (VALUES ${customers}) v`.execute(db);
    rows.push(...result.rows);
  }
  return rows;
}

/** The customers' NPS answers in [from, to): the next answer after each detractor's. */
async function npsAnswers(
  db: Kysely<any>,
  customerIds: readonly string[],
  from: number,
  to: number,
): Promise<Map<string, NpsAnswerMoment[]>> {
  const answers = new Map<string, NpsAnswerMoment[]>();
  for (const chunk of inChunks(customerIds)) {
    const rows = await (db as Kysely<AlertsTables>)
      .selectFrom('alert_customer_facts')
      .select(['customer_id', 'time', 'position', 'score'])
      .where('customer_id', 'in', chunk)
      .where('kind', '=', 'nps')
      .where('time', '>=', from)
      .where('time', '<', to)
      .execute();
    for (const row of rows) {
      const list = answers.get(row.customer_id) ?? [];
      list.push({ time: Number(row.time), position: Number(row.position), score: Number(row.score) });
      answers.set(row.customer_id, list);
    }
  }
  return answers;
}
