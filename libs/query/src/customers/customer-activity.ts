import { sql, type Kysely } from 'kysely';
import type { LifecycleTables } from '@cx/projection';
import type { CustomerActivity, LifecycleStage, StageChange, SurveyAnswerView } from '@cx/views';

type Db = Kysely<LifecycleTables>;

/**
 * The customer view's parts as of `asOf`, read from the lifecycle rows: each an index seek
 * or a range over one kind of the customer's facts, never the whole history.
 */
export async function customerActivityAt(db: Db, customerId: string, asOf: number): Promise<CustomerActivity> {
  const [firstSeen, lastSeen, interactions, purchases, openCases, nps, csat, ces, segment, referrals, lastPurchase] = await Promise.all([
    seenAt(db, customerId, asOf, 'asc'),
    seenAt(db, customerId, asOf, 'desc'),
    interactionsAt(db, customerId, asOf),
    purchasesAt(db, customerId, asOf),
    openCasesAt(db, customerId, asOf),
    latestAnswer(db, customerId, asOf, 'nps'),
    latestAnswer(db, customerId, asOf, 'csat'),
    latestAnswer(db, customerId, asOf, 'ces'),
    segmentAt(db, customerId, asOf),
    referralsAt(db, customerId, asOf),
    latest(db, customerId, asOf, 'purchase').select('time').executeTakeFirst(),
  ]);
  return {
    firstSeen,
    lastSeen,
    interactions,
    purchases,
    openCases,
    nps,
    csat,
    ces,
    segment,
    referrals,
    ...(lastPurchase ? { lastPurchaseTime: Number(lastPurchase.time) } : {}),
  };
}

/** The stage history up to `asOf`: the stage intervals that started by then. */
export async function stageHistoryAt(db: Db, customerId: string, asOf: number): Promise<StageChange[]> {
  const rows = await db
    .selectFrom('customer_stages')
    .select(['stage', 'since'])
    .where('customer_id', '=', customerId)
    .where('since', '<=', asOf)
    .orderBy('since')
    .execute();
  return rows.map((row) => ({ stage: row.stage as LifecycleStage, since: Number(row.since) }));
}

const factsUpTo = (db: Db, customerId: string, asOf: number) =>
  db.selectFrom('customer_facts').where('customer_id', '=', customerId).where('time', '<=', asOf);

const latest = (db: Db, customerId: string, asOf: number, kind: LifecycleTables['customer_facts']['kind']) =>
  factsUpTo(db, customerId, asOf).where('kind', '=', kind).orderBy('time', 'desc').orderBy('position', 'desc').limit(1);

/** First or latest activity (merges and erasures are not activity). */
async function seenAt(db: Db, customerId: string, asOf: number, direction: 'asc' | 'desc'): Promise<number | null> {
  const row = await factsUpTo(db, customerId, asOf)
    .select('time')
    .where('kind', '!=', 'none')
    .orderBy('time', direction)
    .limit(1)
    .executeTakeFirst();
  return row ? Number(row.time) : null;
}

async function interactionsAt(db: Db, customerId: string, asOf: number): Promise<CustomerActivity['interactions']> {
  const rows = await factsUpTo(db, customerId, asOf)
    .where('kind', '=', 'interaction')
    .select(['channel', (eb) => eb.fn.countAll().as('count')])
    .groupBy('channel')
    .orderBy('channel')
    .execute();
  const byChannel = Object.fromEntries(rows.map((row) => [row.channel as string, Number(row.count)]));
  return { count: rows.reduce((sum, row) => sum + Number(row.count), 0), byChannel };
}

async function purchasesAt(db: Db, customerId: string, asOf: number): Promise<CustomerActivity['purchases']> {
  const rows = await factsUpTo(db, customerId, asOf)
    .where('kind', '=', 'purchase')
    .select(['currency', (eb) => eb.fn.countAll().as('count'), (eb) => eb.fn.sum('amount_minor').as('amount')])
    .groupBy('currency')
    .orderBy('currency')
    .execute();
  const revenueMinor = Object.fromEntries(rows.map((row) => [row.currency as string, Number(row.amount)]));
  return { count: rows.reduce((sum, row) => sum + Number(row.count), 0), revenueMinor };
}

/** Cases open at `asOf`: a stretch that started by then and ends after it (or runs still). */
async function openCasesAt(db: Db, customerId: string, asOf: number): Promise<number> {
  const row = await db
    .selectFrom('customer_case_stretches')
    .select((eb) => eb.fn.countAll().as('count'))
    .where('customer_id', '=', customerId)
    .where('since', '<=', asOf)
    .where((eb) => eb.or([eb('until', 'is', null), eb('until', '>', asOf)]))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

async function latestAnswer(db: Db, customerId: string, asOf: number, survey: 'nps' | 'csat' | 'ces'): Promise<SurveyAnswerView | null> {
  const row = await latest(db, customerId, asOf, survey).select(['score', 'time']).executeTakeFirst();
  return row ? { score: Number(row.score), time: Number(row.time) } : null;
}

async function segmentAt(db: Db, customerId: string, asOf: number): Promise<string | null> {
  const row = await latest(db, customerId, asOf, 'profile').where('segment', 'is not', null).select('segment').executeTakeFirst();
  return row?.segment ?? null;
}

async function referralsAt(db: Db, customerId: string, asOf: number): Promise<number> {
  const row = await factsUpTo(db, customerId, asOf)
    .where('kind', '=', 'referral')
    .select(sql<number>`COUNT(*)`.as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
