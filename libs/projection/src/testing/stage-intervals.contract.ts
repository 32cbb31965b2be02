import fc from 'fast-check';
import { sql, type Kysely } from 'kysely';
import { createLifecycleTables } from '../lifecycle/lifecycle.schema';
import { stageIntervalsHolding } from '../lifecycle/stage-intervals';
import type { ViewStoreUnderTest } from './projection-specification';

const DAY = 86_400_000;
const STAGES = ['new', 'active', 'at_risk', 'churned'] as const;

interface Interval {
  customer_id: string;
  stage: string;
  since: number;
  until: number | null;
}

/** What the query must return, read off the rows one by one. */
const holding = (rows: readonly Interval[], stages: readonly string[], at: number, after: number | null) =>
  rows
    .filter((r) => stages.includes(r.stage) && r.since <= at && (r.until === null || r.until > at) && (after === null || r.since > after))
    .map((r) => r.customer_id)
    .sort();

/** Lengths across every class, and exactly at a class's bounds (2^k days, and 1 ms past it). */
const length = fc.oneof(
  fc.integer({ min: 1, max: 3 * DAY }),
  fc.integer({ min: 1, max: 3_000 * DAY }),
  fc.integer({ min: 1, max: 20_000 * DAY }),
  fc.integer({ min: 0, max: 12 }).chain((k) => fc.constantFrom(DAY * 2 ** k, DAY * 2 ** k + 1, DAY * 2 ** k - 1)),
);

const interval = fc.record({
  stage: fc.constantFrom(...STAGES),
  since: fc.integer({ min: 0, max: 10_000 * DAY }),
  length: fc.option(length, { nil: null }),
});

/**
 * `stageIntervalsHolding` returns exactly the intervals of the stages asked that hold the instant
 * (begun after `after` when given), whatever their lengths; and reads them through the stage and
 * length class index, which the database uses only if the query writes its expression as the
 * index does.
 */
export function describeStageIntervalsContract(name: string, open: () => Promise<ViewStoreUnderTest>): void {
  describe(`stageIntervalsHolding (${name})`, () => {
    let store: ViewStoreUnderTest;
    let db: Kysely<any>;

    beforeEach(async () => {
      store = await open();
      db = store.views.reader;
      await createLifecycleTables(db, { dialect: store.views.dialect, generation: 1, unique: (n) => n, catchingUp: false });
    });

    afterEach(() => store.dispose());

    const customersHolding = async (stages: readonly string[], at: number, after: number | null) => {
      const { rows } = await sql<{ customer_id: string }>`SELECT customer_id FROM (${stageIntervalsHolding(stages, at, after)}) h`.execute(
        db,
      );
      return rows.map((r) => r.customer_id).sort();
    };

    it('returns the intervals that hold the instant, and only those', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(interval, { minLength: 1, maxLength: 60 }).chain((drawn) => {
            const rows = drawn.map((d, i) => ({
              customer_id: `c${i}`,
              stage: d.stage,
              since: d.since,
              until: d.length === null ? null : d.since + d.length,
            }));
            // Instants anywhere, and at an interval's edges: its first and last instants, and its end.
            const edges = rows.flatMap((r) => (r.until === null ? [r.since] : [r.since, r.until - 1, r.until]));
            const instant = fc.oneof(fc.integer({ min: 0, max: 12_000 * DAY }), fc.constantFrom(...edges));
            return fc.tuple(
              fc.constant(rows),
              instant,
              fc.option(fc.oneof(instant, fc.constantFrom(...edges.map((e) => e - 1))), { nil: null }),
            );
          }),
          fc.subarray([...STAGES], { minLength: 1 }),
          async ([rows, at, after], stages) => {
            await db.deleteFrom('customer_stages').execute();
            await db.insertInto('customer_stages').values(rows).execute();
            expect(await customersHolding(stages, at, after)).toEqual(holding(rows, stages, at, after));
          },
        ),
        { numRuns: 100 },
      );
    });

    it("holds at every edge of every length class: an interval's first and last instants, and its end", async () => {
      const lengths = Array.from({ length: 13 }, (_, k) => DAY * 2 ** k).flatMap((l) => [l - 1, l, l + 1]);
      const since = 20_000 * DAY;
      const rows = [
        ...lengths.map((l) => ({ customer_id: `ended-${l}`, stage: 'active', since, until: since + l })),
        { customer_id: 'running', stage: 'active', since, until: null },
      ];
      await db.insertInto('customer_stages').values(rows).execute();
      const instants = [since - 1, since, ...lengths.flatMap((l) => [since + l - 1, since + l])];
      for (const at of instants)
        for (const after of [null, since - 1, since])
          expect(await customersHolding(['active'], at, after)).toEqual(holding(rows, ['active'], at, after));
    });

    it('counts an interval ending exactly at the instant out, and one beginning at it in', async () => {
      const rows = [
        { customer_id: 'ends-at', stage: 'active', since: 0, until: 10 * DAY },
        { customer_id: 'begins-at', stage: 'active', since: 10 * DAY, until: 11 * DAY },
        { customer_id: 'running', stage: 'active', since: 10 * DAY, until: null },
        { customer_id: 'later', stage: 'active', since: 10 * DAY + 1, until: null },
      ];
      await db.insertInto('customer_stages').values(rows).execute();
      expect(await customersHolding(['active'], 10 * DAY, null)).toEqual(['begins-at', 'running']);
      expect(await customersHolding(['active'], 10 * DAY, 10 * DAY)).toEqual([]);
    });

    it('reads customer_stages through the stage and length class index, the class in each range', async () => {
      const plan = await planOf(
        db,
        store.views.dialect,
        sql`SELECT customer_id FROM (${stageIntervalsHolding(['active'], 10 * DAY, null)}) h`,
      );
      const { reads, ranges } = PLAN_LINES[store.views.dialect];
      // One range per class: running, the 12 classes of ended intervals by length, the longer ones.
      expect(plan.match(reads)).toHaveLength(14);
      expect(plan.match(ranges)).toHaveLength(14);
    });
  });
}

/** How each database's plan writes a read of `customer_stages`, and one by a range of the index on stage and class. */
const PLAN_LINES = {
  sqlite: {
    reads: /(SCAN|SEARCH) customer_stages\b/g,
    ranges: /SEARCH customer_stages USING COVERING INDEX customer_stages_by_stage_length \(stage=\? AND <expr>=\?/g,
  },
  postgres: {
    reads: / on customer_stages\b/g,
    ranges:
      /Index Only Scan using customer_stages_by_stage_length on customer_stages\b.*\n\s*Index Cond: \(\(stage = 'active'::text\) AND \(\(CASE WHEN/g,
  },
};

/** The query's plan as text; PostgreSQL is kept off sequential scans, as a table this small would otherwise be read whole. */
async function planOf(db: Kysely<any>, dialect: 'sqlite' | 'postgres', query: ReturnType<typeof sql>): Promise<string> {
  if (dialect === 'sqlite') {
    const { rows } = await sql<{ detail: string }>`EXPLAIN QUERY PLAN ${query}`.execute(db);
    return rows.map((r) => r.detail).join('\n');
  }
  return db.transaction().execute(async (tx) => {
    await sql`SET LOCAL enable_seqscan = off`.execute(tx);
    const { rows } = await sql<{ 'QUERY PLAN': string }>`EXPLAIN ${query}`.execute(tx);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  });
}
