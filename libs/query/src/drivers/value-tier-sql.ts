import { Kysely, sql, type RawBuilder } from 'kysely';
import { VALUE_TIER_SPAN_MS } from '@cx/views';

/**
 * Value tiers in SQL (SPEC §2.5, the rules of @cx/views `valueTiers`): the buyers in `currency`
 * over [until − 365 days, until), ranked by revenue; `top` when fewer than ⌈n / 10⌉ have more
 * (RANK counts the customers strictly above, plus one), else `core`. Others are `none`.
 */
export const tierRows = (currency: string, until: number): RawBuilder<unknown> => sql`
  SELECT ranked.customer_id, CASE WHEN ranked.r <= (ranked.n + 9) / 10 THEN 'top' ELSE 'core' END AS tier
  FROM (
    SELECT revenue.customer_id, RANK() OVER (ORDER BY revenue.total DESC) AS r, COUNT(*) OVER () AS n
    FROM (
      SELECT o.customer_id, SUM(o.amount_minor) AS total FROM orders o
      WHERE o.currency = ${currency} AND o.time >= ${until - VALUE_TIER_SPAN_MS} AND o.time < ${until}
      GROUP BY o.customer_id
    ) revenue
  ) ranked`;

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The currency with the most orders in the 365 days before `until` (ties in code-unit order); null without orders. */
export async function mostUsedCurrencyInSql(db: Kysely<any>, until: number): Promise<string | null> {
  const { rows } = await sql<{ currency: string; n: number | string }>`
    SELECT o.currency, COUNT(*) AS n FROM orders o WHERE o.time >= ${until - VALUE_TIER_SPAN_MS} AND o.time < ${until} GROUP BY o.currency`.execute(
    db,
  );
  const ranked = rows
    .map((r) => ({ currency: r.currency, n: Number(r.n) }))
    .sort((a, b) => b.n - a.n || byCodeUnits(a.currency, b.currency));
  return ranked[0]?.currency ?? null;
}

/** Each buyer's tier, for the churn outcome (grouping customers in TypeScript). */
export async function tiersInSql(db: Kysely<any>, currency: string | null, until: number): Promise<Map<string, string>> {
  if (currency === null) return new Map();
  const { rows } = await sql<{ customer_id: string; tier: string }>`${tierRows(currency, until)}`.execute(db);
  return new Map(rows.map((r) => [r.customer_id, r.tier]));
}

/**
 * The customer's latest segment from its profile updates before `until` (SPEC §2.2 "at `to`"),
 * as a correlated lookup on the (customer_id, time, position) index of `customer_segments`.
 */
export const segmentOf = (customerColumn: RawBuilder<unknown>, until: number): RawBuilder<unknown> => sql`COALESCE((
  SELECT s.segment FROM customer_segments s
  WHERE s.customer_id = ${customerColumn} AND s.time < ${until}
  ORDER BY s.time DESC, s.position DESC LIMIT 1
), 'unknown')`;
