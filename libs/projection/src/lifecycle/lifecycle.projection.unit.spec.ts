import type {
  Kysely,
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import type { AnyLedgerEvent } from '@cx/events';
import { DEFAULT_LIFECYCLE_SETTINGS, foldCustomer, stageHistory } from '@cx/views';
import { CUSTOMER, day, EventMaker } from '@cx/views/testing';
import { contextFor, forGeneration } from '../engine/projection-registry';
import { ProjectionSpecification, viewsWithProjection, type ViewStoreUnderTest } from '../testing/projection-specification';
import type { ViewStore } from '../view-store/view-store.port';
import { LifecycleProjection } from './lifecycle.projection';
import type { LifecycleTables } from './lifecycle.tables';

const GENERATION = 1;

/** Counts the rows every statement answers: what a batch read. */
class RowsRead implements KyselyPlugin {
  count = 0;

  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    return node;
  }

  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.count += result.rows.length;
    return result;
  }
}

/**
 * One week of a busy customer's life, in time order: purchases, answers, contacts, a
 * complaint opened and resolved, a referral and a profile update.
 */
function week(make: EventMaker, n: number): AnyLedgerEvent[] {
  const at = (hour: number) => day(7 * n) + hour * 3_600_000;
  return [
    make.interaction(at(1)),
    make.purchase(at(2)),
    make.nps(at(3), n % 11),
    make.survey(at(4), 'csat', 1 + (n % 5)),
    make.caseOpened(at(5), `k-${n}`),
    make.interaction(at(6), 'email'),
    make.caseResolved(at(30), `k-${n}`),
    make.referral(at(40)),
    make.profiled(at(50), n % 2 ? 'gold' : 'silver'),
    make.purchase(at(60), 500, 'USD', 'store'),
  ];
}

describe('LifecycleProjection', () => {
  let subject: ViewStoreUnderTest;
  let views: ViewStore;
  const projection = new LifecycleProjection(DEFAULT_LIFECYCLE_SETTINGS);

  beforeEach(async () => {
    subject = await viewsWithProjection(projection);
    views = subject.views;
  });

  afterEach(() => subject.dispose());

  async function apply(events: readonly AnyLedgerEvent[], rows = new RowsRead()): Promise<number> {
    await views.transaction((tx) =>
      projection.apply(forGeneration(tx, projection, GENERATION).withPlugin(rows), events, contextFor(views.dialect, GENERATION)),
    );
    return rows.count;
  }

  it('reads as many rows to apply an event after 20 weeks of history as after 400', async () => {
    const make = new EventMaker();
    const readAfter = async (from: number, to: number): Promise<number[]> => {
      for (let n = from; n < to; n += 1) await apply(week(make, n));
      const reads: number[] = [];
      for (const event of week(make, to)) reads.push(await apply([event]));
      return reads;
    };
    const early = await readAfter(0, 20);
    const late = await readAfter(21, 400);
    // Each event of week 20 and of week 400 read the same number of rows, though the history grew 20-fold.
    expect(late).toEqual(early);
    expect(early.every((rows) => rows > 0)).toBe(true);
  });

  describe("given a customer's history, when a late event arrives", () => {
    const spec = ProjectionSpecification.for(projection);
    const make = new EventMaker();
    const history = [make.purchase(day(0)), make.nps(day(5), 10), make.referral(day(6)), make.purchase(day(40))];

    /** The stage rows, as the pure stage history of all the events (future thresholds included) states them. */
    const holdsThePureStages = (events: readonly AnyLedgerEvent[]) => async (db: Kysely<LifecycleTables>) => {
      const rows = await db
        .selectFrom('customer_stages')
        .select(['stage', 'since'])
        .where('customer_id', '=', CUSTOMER)
        .orderBy('since')
        .execute();
      const pure = stageHistory(foldCustomer(CUSTOMER, events), Number.MAX_SAFE_INTEGER, DEFAULT_LIFECYCLE_SETTINGS);
      expect(pure.length).toBeGreaterThan(3);
      expect(rows.map((row) => ({ stage: row.stage, since: Number(row.since) }))).toEqual(pure);
    };

    it('an earlier purchase: the stages from it on are those of the whole history', async () => {
      const late = make.purchase(day(-30));
      await spec
        .given(...history)
        .when(late)
        .then(holdsThePureStages([...history, late]));
    });

    it('a detractor answer inside the history: at risk from it, the later stages moved', async () => {
      const late = make.nps(day(20), 2);
      await spec
        .given(...history)
        .when(late)
        .then(holdsThePureStages([...history, late]));
    });
  });
});
