import { Inject, Injectable } from '@nestjs/common';
import type { Kysely, SelectQueryBuilder } from 'kysely';
import { alertOfRow, VIEW_STORE, ViewStore, type AlertsTable, type AlertsTables } from '@cx/projection';
import type { Alert, AlertSignal, AlertStatus } from '@cx/views';

/** The projections the alert routes read. */
export const ALERT_READS = ['alerts'];

export interface AlertListQuery {
  asOf: number;
  followUpSlaMs: number;
  status?: AlertStatus;
  signal?: AlertSignal;
  customerId?: string;
  caseId?: string;
  /** raisedAt window, [from, to). */
  from?: number;
  to?: number;
  limit: number;
  /** Newest first: the page starts after this (raisedAt, id). */
  after?: { raisedAt: number; id: string };
}

export interface AlertPage {
  alerts: Alert[];
  next: { raisedAt: number; id: string } | null;
}

type AlertSelect = SelectQueryBuilder<AlertsTables, 'alerts', AlertsTable>;

/**
 * `GET /v1/alerts` over the `alerts` table: only alerts raised by `asOf`, status judged at
 * `asOf` (a follow-up after it does not count), newest first, keyset paging on
 * (raised_at, alert_id). Every filter is a range on an index.
 */
@Injectable()
export class AlertQueries {
  constructor(@Inject(VIEW_STORE) private readonly views: ViewStore) {}

  private get db(): Kysely<AlertsTables> {
    return this.views.reader as Kysely<AlertsTables>;
  }

  async list(query: AlertListQuery): Promise<AlertPage> {
    const customerId = query.customerId === undefined ? undefined : await this.canonical(query.customerId);
    let select: AlertSelect = this.db.selectFrom('alerts').selectAll().where('raised_at', '<=', query.asOf);
    if (query.signal) select = select.where('signal', '=', query.signal);
    if (customerId !== undefined) select = select.where('customer_id', '=', customerId);
    if (query.caseId !== undefined) select = select.where('case_id', '=', query.caseId);
    if (query.from !== undefined) select = select.where('raised_at', '>=', query.from);
    if (query.to !== undefined) select = select.where('raised_at', '<', query.to);
    if (query.status) select = withStatus(select, query.status, query.asOf, query.followUpSlaMs);
    if (query.after) {
      const { raisedAt, id } = query.after;
      select = select.where((eb) =>
        eb.or([eb('raised_at', '<', raisedAt), eb.and([eb('raised_at', '=', raisedAt), eb('alert_id', '<', id)])]),
      );
    }
    const rows = await select
      .orderBy('raised_at', 'desc')
      .orderBy('alert_id', 'desc')
      .limit(query.limit + 1)
      .execute();
    const alerts = rows.slice(0, query.limit).map(alertOfRow);
    const last = alerts.at(-1);
    return { alerts, next: rows.length > query.limit && last ? { raisedAt: last.raisedAt, id: last.id } : null };
  }

  /** A merged customer's alerts are listed under the customer it was merged into. */
  private async canonical(customerId: string): Promise<string> {
    const alias = await this.db
      .selectFrom('alert_customer_aliases')
      .select('customer_id')
      .where('alias_id', '=', customerId)
      .executeTakeFirst();
    return alias?.customer_id ?? customerId;
  }
}

/** SPEC §2.4 status at `asOf`: followed up by then; else overdue past the SLA (strictly); else open. */
function withStatus(select: AlertSelect, status: AlertStatus, asOf: number, slaMs: number): AlertSelect {
  if (status === 'followed_up') return select.where('followed_up_at', 'is not', null).where('followed_up_at', '<=', asOf);
  const notYet = select.where((eb) => eb.or([eb('followed_up_at', 'is', null), eb('followed_up_at', '>', asOf)]));
  return status === 'overdue' ? notYet.where('raised_at', '<', asOf - slaMs) : notYet.where('raised_at', '>=', asOf - slaMs);
}
