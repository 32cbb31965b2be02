import { Inject, Injectable } from '@nestjs/common';
import { sql, type Kysely } from 'kysely';
import { CLOSED_LOOP_COLUMNS, closedLoopAlertOfRow, inChunks, VIEW_STORE, ViewStore, type AlertsTables } from '@cx/projection';
import { closedLoopReport, type ClosedLoopGroupBy, type ClosedLoopReport, type NpsAnswerMoment } from '@cx/views';

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
 * answer of the window. The pure `closedLoopReport` counts them, so the API and the domain
 * rules cannot drift apart.
 */
@Injectable()
export class ClosedLoopQueries {
  constructor(@Inject(VIEW_STORE) private readonly views: ViewStore) {}

  private get db(): Kysely<AlertsTables> {
    return this.views.reader as Kysely<AlertsTables>;
  }

  async report(query: ClosedLoopQuery): Promise<ClosedLoopReport> {
    const rows = await this.db
      .selectFrom('alerts')
      .select([...CLOSED_LOOP_COLUMNS])
      .where('raised_at', '>=', query.from)
      .where('raised_at', '<', query.to)
      .execute();
    const alerts = rows.map(closedLoopAlertOfRow);
    const npsDetractors = alerts.filter((a) => a.signal === 'detractor' && a.detail.survey === 'nps');
    const npsCustomers = [...new Set(npsDetractors.map((a) => a.customerId))];
    const churned = await this.churnedBefore(npsCustomers, query.to);
    const answers = await this.npsAnswers(npsCustomers, Math.min(...npsDetractors.map((a) => a.raisedAt)), query.to);
    const segments =
      query.groupBy === 'segment'
        ? await this.segmentsBefore([...new Set(alerts.map((a) => a.customerId))], query.to)
        : new Map<string, string>();
    return closedLoopReport(alerts, {
      from: query.from,
      to: query.to,
      groupBy: query.groupBy,
      followUpSlaMs: query.followUpSlaMs,
      churnedAtTo: (id) => churned.has(id),
      segmentAtTo: (id) => segments.get(id) ?? null,
      npsAnswers: (id) => answers.get(id) ?? [],
    });
  }

  /** Customers whose stage just before `to` (from the events before it) is `churned`. */
  private async churnedBefore(customerIds: readonly string[], to: number): Promise<Set<string>> {
    const churned = new Set<string>();
    for (const chunk of inChunks(customerIds, 100)) {
      const latest = chunk.map(
        (id) => sql`SELECT * FROM (SELECT customer_id, stage FROM ${sql.table('alert_customer_stages')}
        WHERE customer_id = ${id} AND since < ${to} ORDER BY since DESC LIMIT 1) s`,
      );
      const result = await sql<{ customer_id: string; stage: string }>`${sql.join(latest, sql` UNION ALL `)}`.execute(this.db);
      for (const row of result.rows) if (row.stage === 'churned') churned.add(row.customer_id);
    }
    return churned;
  }

  /** Each customer's latest segment named before `to`. */
  private async segmentsBefore(customerIds: readonly string[], to: number): Promise<Map<string, string>> {
    const segments = new Map<string, string>();
    for (const chunk of inChunks(customerIds, 100)) {
      const latest = chunk.map(
        (id) => sql`SELECT * FROM (SELECT customer_id, segment FROM ${sql.table('alert_customer_facts')}
        WHERE customer_id = ${id} AND kind = 'profile' AND segment IS NOT NULL AND time < ${to} ORDER BY time DESC, position DESC LIMIT 1) s`,
      );
      const result = await sql<{ customer_id: string; segment: string }>`${sql.join(latest, sql` UNION ALL `)}`.execute(this.db);
      for (const row of result.rows) segments.set(row.customer_id, row.segment);
    }
    return segments;
  }

  /** The customers' NPS answers in [from, to): the next answer after each detractor's. */
  private async npsAnswers(customerIds: readonly string[], from: number, to: number): Promise<Map<string, NpsAnswerMoment[]>> {
    const answers = new Map<string, NpsAnswerMoment[]>();
    for (const chunk of inChunks(customerIds)) {
      const rows = await this.db
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
}
