import { ManualClock } from '@cx/clock';
import type { AnyLedgerEvent } from '@cx/events';
import { DEFAULT_ALERT_SETTINGS, DEFAULT_LIFECYCLE_SETTINGS, ledgerAlerts } from '@cx/views';
import { contextFor, forGeneration, ProjectionRegistry } from '../engine/projection-registry';
import { applyInBatches, varyingSizes, type ViewStoreUnderTest } from './projection-specification';
import { randomLedger } from './random-ledger';
import type { ViewStore } from '../view-store/view-store.port';
import { ALERT_OUTBOX_TABLE } from '../alerts/alert-outbox';
import { alertOfRow, alertRow } from '../alerts/alert-rows';
import { AlertsProjection } from '../alerts/alerts.projection';
import type { AlertsTable } from '../alerts/alerts.tables';

const THRESHOLDS = { ...DEFAULT_LIFECYCLE_SETTINGS, ...DEFAULT_ALERT_SETTINGS };
const DAY = 86_400_000;
/** The random ledger spans 2026-01-01 plus 120 days; "now" is just after it. */
const NOW = Date.UTC(2026, 4, 5);

/** One event of `customerId` a day before "now", recorded now. */
const event = (position: number, customerId: string, type: string, data: Record<string, unknown>) =>
  ({
    position,
    time: NOW - DAY,
    recordedAt: NOW,
    type,
    data: { customer: { id: customerId }, ...data },
    id: `e${position}`,
    source: '/t',
    streamId: customerId,
    revision: 0,
    customerId,
  }) as AnyLedgerEvent;

/**
 * How the alerts projection must behave on every view store: the SQLite spec and the
 * PostgreSQL one call this with a factory that gives a fresh, empty store.
 */
export function describeAlertsProjectionContract(name: string, open: () => Promise<ViewStoreUnderTest>): void {
  describe(`AlertsProjection: ${name}`, () => {
    let subject: ViewStoreUnderTest;
    let views: ViewStore;
    let registry: ProjectionRegistry;
    let clock: ManualClock;
    let projection: AlertsProjection;

    beforeEach(async () => {
      subject = await open();
      views = subject.views;
      registry = new ProjectionRegistry(views);
      await registry.ensureTables();
      clock = new ManualClock(NOW);
      projection = new AlertsProjection(THRESHOLDS, { clock, horizonMs: 7 * DAY });
      await registry.install(projection);
    });

    afterEach(async () => {
      await subject.dispose();
    });

    /** Applies the ledger in global order, in batches of varying sizes, as a runner would. */
    const applyAll = (events: readonly AnyLedgerEvent[], generation: number, catchingUp = false) =>
      applyInBatches(views, projection, events, { generation, catchingUp, sizes: varyingSizes() });

    async function settle(generation: number): Promise<void> {
      while (
        (await views.transaction((tx) =>
          projection.settle(forGeneration(tx, projection, generation), contextFor(views.dialect, generation), 50),
        )) > 0
      );
    }

    const storedAlerts = async (generation: number) =>
      (
        await forGeneration(views.reader, projection, generation)
          .selectFrom('alerts')
          .selectAll()
          .orderBy('raised_at')
          .orderBy('alert_id')
          .execute()
      ).map((row) => alertRow(alertOfRow(row as AlertsTable)));

    const expected = (events: readonly AnyLedgerEvent[]) =>
      ledgerAlerts(events, THRESHOLDS, THRESHOLDS)
        .map(alertRow)
        .sort((a, b) => a.raised_at - b.raised_at || a.alert_id.localeCompare(b.alert_id));

    const outbox = async () =>
      (await views.reader.selectFrom(ALERT_OUTBOX_TABLE).selectAll().orderBy('alert_id').orderBy('kind').execute()).map((r) => ({
        alert_id: r.alert_id,
        kind: r.kind,
        state: r.state,
        due_at: Number(r.due_at),
      }));

    it.each([20260301, 7, 99])(
      'holds exactly the alerts the pure rules give over a random ledger (seed %i): late events, merges, orphan cases',
      async (seed) => {
        const events = randomLedger(800, seed);
        await applyAll(events, 1);
        const wanted = expected(events);
        expect(wanted.length).toBeGreaterThan(20);
        expect(new Set(wanted.map((a) => a.signal))).toEqual(new Set(['detractor', 'at_risk', 'churned', 'handoff_stalled', 'ping_pong']));
        expect(await storedAlerts(1)).toEqual(wanted);
      },
    );

    it('gives the same rows when a rebuild defers the work to settle', async () => {
      const events = randomLedger(500, 11);
      const { generation } = (await registry.requestRebuild(projection)) as { generation: number };
      await applyAll(events, generation, true);
      expect(await storedAlerts(generation)).toEqual([]);
      await settle(generation);
      expect(await storedAlerts(generation)).toEqual(expected(events));
    });

    it('the live generation enqueues what is inside the horizon (and what is due later); a rebuild enqueues nothing again', async () => {
      const events = randomLedger(800, 5);
      await applyAll(events, 1);
      const first = await outbox();
      const alerts = expected(events);
      // Batches meet intermediate states (a threshold alert a later batch moves): those were withdrawn.
      const raised = first.filter((r) => r.kind === 'raised' && r.state !== 'withdrawn');
      expect(raised.length).toBeGreaterThan(0);
      // Exactly the alerts raised at most 7 days before "now" (or later: thresholds the events already imply).
      expect(raised.map((r) => r.alert_id).sort()).toEqual(
        alerts
          .filter((a) => NOW - a.raised_at <= 7 * DAY)
          .map((a) => a.alert_id)
          .sort(),
      );
      // Pretend the deliverer sent everything due by now.
      await views.transaction((tx) => tx.updateTable(ALERT_OUTBOX_TABLE).set({ state: 'dispatched' }).where('due_at', '<=', NOW).execute());
      const sent = await outbox();

      clock.advance(DAY);
      const { generation } = (await registry.requestRebuild(projection)) as { generation: number };
      await applyAll(events, generation, true);
      await settle(generation);
      expect(await storedAlerts(generation)).toEqual(alerts);
      // Nothing new, nothing sent again: the same rows in the same states.
      expect(await outbox()).toEqual(sent);
    });

    it('a late event that takes an alert away withdraws it while pending, and never a sent one', async () => {
      const make = (position: number, time: number, type: string, data: Record<string, unknown>) =>
        ({
          position,
          time,
          recordedAt: time,
          type,
          data: { customer: { id: 'c-1' }, ...data },
          id: `e${position}`,
          source: '/t',
          streamId: 'c-1',
          revision: position,
          customerId: 'c-1',
        }) as AnyLedgerEvent;
      const purchase = make(1, NOW - 100 * DAY, 'cx.purchase.completed.v1', {
        orderId: 'o1',
        amountMinor: 1,
        currency: 'EUR',
        channel: 'web',
      });
      await applyAll([purchase], 1);
      // Last purchase 100 days ago: at_risk since day 90 (beyond the horizon), churned at day 180 (due later).
      const before = await outbox();
      expect(before.map((r) => [r.kind, r.state, r.due_at])).toEqual([['raised', 'pending', NOW - 100 * DAY + 180 * DAY + 1]]);
      // A late purchase 10 days ago moves every threshold: the churn alert goes, new ones come.
      await applyAll(
        [make(2, NOW - 10 * DAY, 'cx.purchase.completed.v1', { orderId: 'o2', amountMinor: 1, currency: 'EUR', channel: 'web' })],
        1,
      );
      const after = await outbox();
      expect(after.find((r) => r.alert_id === before[0].alert_id)?.state).toBe('withdrawn');
      expect(
        after
          .filter((r) => r.state === 'pending')
          .map((r) => r.due_at)
          .sort(),
      ).toEqual([NOW - 10 * DAY + 90 * DAY + 1, NOW - 10 * DAY + 180 * DAY + 1]);
    });

    it('keeps a detractor’s id when its anonymous customer is merged into a named one: listed under the named one, not sent again', async () => {
      await applyAll([event(1, 'anon-1', 'cx.survey.answered.v1', { survey: 'nps', score: 2 })], 1);
      const [before] = await storedAlerts(1);
      expect(before).toMatchObject({ signal: 'detractor', subject: 'anon-1', customer_id: 'anon-1' });
      await views.transaction((tx) => tx.updateTable(ALERT_OUTBOX_TABLE).set({ state: 'dispatched' }).execute());
      await applyAll([event(2, 'anon-1', 'cx.customer.merged.v1', { into: { id: 'C-9' } })], 1);
      const [after] = await storedAlerts(1);
      expect(after).toEqual({ ...before, customer_id: 'C-9' });
      expect(await outbox()).toEqual([{ alert_id: before.alert_id, kind: 'raised', state: 'dispatched', due_at: NOW - DAY }]);
    });

    it('keeps that detractor when the merge comes in a batch of more customers than one chunk computes', async () => {
      await applyAll([event(1, 'anon-1', 'cx.survey.answered.v1', { survey: 'nps', score: 2 })], 1);
      const [before] = await storedAlerts(1);
      // The named customer first, 600 others, then the merge: computed 500 at a time in the
      // order first touched, the named customer and the anonymous one fall in different chunks.
      const others = Array.from({ length: 600 }, (_, i) =>
        event(3 + i, `other-${i}`, 'cx.survey.answered.v1', { survey: 'csat', score: 5 }),
      );
      const merge = event(1000, 'anon-1', 'cx.customer.merged.v1', { into: { id: 'C-9' } });
      await applyInBatches(views, projection, [event(2, 'C-9', 'cx.survey.answered.v1', { survey: 'csat', score: 5 }), ...others, merge]);
      const after = (await storedAlerts(1)).filter((alert) => alert.alert_id === before.alert_id);
      expect(after).toEqual([{ ...before, customer_id: 'C-9' }]);
    });
  });
}
