import { sql, type Kysely } from 'kysely';
import {
  allFactLists,
  stageChangesFrom,
  type CustomerState,
  type LifecycleSettings,
  type LifecycleStage,
  type StageChange,
} from '@cx/views';
import { stageFactsFrom, type StageFactSource, type StageStart } from '../lifecycle/stage-facts';
import { deleteForKeys, rowsForKeys, valuesTable, insertAll } from '../sql-batches';
import type { ViewDialect } from '../view-store/view-store.port';
import type { AlertsTables } from './alerts.tables';
import { known } from '../known';

/** A start before every event: the whole history is computed again (a merge, or work a rebuild left to `settle`). */
export const EVER = -Number.MAX_SAFE_INTEGER;

/** The alerts' facts as the stage rules read them: a case event's type says what it changes. */
export const ALERT_STAGE_FACTS: StageFactSource = {
  facts: 'alert_customer_facts',
  stretches: 'alert_case_stretches',
  columns: sql.raw(
    `customer_id, kind, time, position, NULL AS channel, NULL AS amount_minor, NULL AS currency, score, case_id, ` +
      `CASE case_type WHEN 'cx.case.opened.v1' THEN 'opened' WHEN 'cx.case.resolved.v1' THEN 'resolved' ` +
      `WHEN 'cx.case.reopened.v1' THEN 'reopened' ELSE 'handoff' END AS case_change, category`,
  ),
};

/** Where a whole history starts: the customer's first fact the stage rules read (none: no stage at all). */
function firstStageFact(state: CustomerState): number | undefined {
  const firsts = allFactLists(state).flatMap((facts) => (facts.length ? [facts[0].time] : []));
  return firsts.length ? Math.min(...firsts) : undefined;
}

/**
 * Each customer's stage changes from its `from` on (SPEC §2.1, every threshold crossing the
 * facts imply), written over the stored ones in `alert_customer_stages`. The history before
 * `from` cannot change (a stage depends only on the facts up to its instant), so only the
 * facts that decide the stages from `from` on are read (`stageFactsFrom`), whatever the
 * customer's history: the cost follows what the batch brought, not what came before.
 */
export async function restage(
  db: Kysely<AlertsTables>,
  starts: readonly StageStart[],
  settings: LifecycleSettings,
  dialect: ViewDialect,
): Promise<Map<string, StageChange[]>> {
  const changes = new Map<string, StageChange[]>();
  if (starts.length === 0) return changes;
  const running = await stagesBefore(db, starts);
  const facts = await stageFactsFrom(db, starts, undefined, ALERT_STAGE_FACTS);
  for (const { customerId, from } of starts) {
    const state = known(facts, customerId);
    const first = from === EVER ? firstStageFact(state) : from;
    changes.set(customerId, first === undefined ? [] : stageChangesFrom(state, first, running.get(customerId), settings));
  }
  await deleteForKeys(
    db,
    dialect,
    'alert_customer_stages',
    starts,
    (chunk) =>
      valuesTable(
        chunk.map(({ customerId, from }) => [customerId, from]),
        ['text', 'bigint'],
        's',
      ),
    sql`t.customer_id = s.column1 AND t.since >= s.column2`,
  );
  const rows = [...changes].flatMap(([customerId, list]) => list.map((change) => ({ customer_id: customerId, ...change })));
  await insertAll(db, 'alert_customer_stages', rows);
  return changes;
}

/** The stage each customer is in just before its `from`: the last change before it, one index seek each. */
async function stagesBefore(db: Kysely<AlertsTables>, starts: readonly StageStart[]): Promise<Map<string, LifecycleStage>> {
  const stages = sql.table('alert_customer_stages');
  const rows = await rowsForKeys<StageStart, { customer_id: string; stage: LifecycleStage }>(
    db,
    starts.filter(({ from }) => from !== EVER),
    (chunk) =>
      sql`SELECT st.customer_id, st.stage FROM ${valuesTable(
        chunk.map(({ customerId, from }) => [customerId, from]),
        ['text', 'bigint'],
        's',
      )} CROSS JOIN ${stages} st WHERE st.customer_id = s.column1 AND st.since = (SELECT MAX(t.since) FROM ${stages} t WHERE t.customer_id = s.column1 AND t.since < s.column2)`,
  );
  return new Map(rows.map((row) => [row.customer_id, row.stage]));
}
