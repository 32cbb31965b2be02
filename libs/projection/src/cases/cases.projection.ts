import type { Kysely } from 'kysely';
import type { AnyLedgerEvent } from '@cx/events';
import type { Projection, ProjectionContext } from '../projection';
import type { ViewDialect } from '../view-store/view-store.port';
import { CASE_EVENT_TYPES, caseIdOf, evolveCase, initialCaseState, type CaseSettings, type CaseState } from '@cx/views';
import { caseKey } from '../entity-keys';
import { inChunks, insertChunks } from '../sql-batches';
import { caseRows, type CaseRows } from './case-rows';
import { CASES_TABLES } from './cases.tables';

/** Tables with one or more rows per case, rewritten (delete + insert) whenever the case gets an event. */
const FACT_TABLES = ['case_handoffs', 'case_ownership', 'case_resolutions'] as const;

/**
 * SPEC §2.3: one row per case holding its folded state (the API answers any `asOf` from it)
 * plus fact rows per handoff, per stretch of ownership and per resolution, so that the
 * handoff report and analysts' SQL are range queries. Cases are small, so a case's rows are
 * simply rewritten from its state whenever it gets an event.
 */
export class CasesProjection implements Projection {
  readonly name = 'cases';
  readonly version = 1;
  readonly handles = CASE_EVENT_TYPES;
  readonly tables = CASES_TABLES;
  readonly settings: Readonly<CaseSettings>;

  constructor(settings: CaseSettings) {
    this.settings = { handoffAcceptanceSlaMs: settings.handoffAcceptanceSlaMs };
  }

  async createTables(db: Kysely<any>, { unique }: ProjectionContext): Promise<void> {
    await createCasesTable(db, unique);
    await createHandoffsTable(db, unique);
    await createOwnershipTable(db, unique);
    await createResolutionsTable(db, unique);
  }

  async apply(tx: Kysely<any>, events: readonly AnyLedgerEvent[], context: ProjectionContext): Promise<void> {
    const caseEvents = events.flatMap((event) => {
      const caseId = caseIdOf(event);
      return caseId === undefined ? [] : [{ caseId, event }];
    });
    if (caseEvents.length === 0) return;
    const caseIds = [...new Set(caseEvents.map(({ caseId }) => caseId))];
    // A case's events may come from several customers' streams, so from other partitions' batches too.
    await context.lock?.(caseIds.map(caseKey));
    const states = await loadStates(tx, caseIds);
    for (const { caseId, event } of caseEvents) {
      states.set(caseId, evolveCase(states.get(caseId) ?? initialCaseState(caseId), event));
    }
    const rows = [...states.values()].map((state) => caseRows(state, this.settings)).filter((r): r is CaseRows => r !== null);
    await writeRows(tx, rows, context.dialect);
  }
}

async function loadStates(tx: Kysely<any>, caseIds: string[]): Promise<Map<string, CaseState>> {
  const states = new Map<string, CaseState>();
  for (const chunk of inChunks(caseIds)) {
    const rows = await tx.selectFrom('cases').select(['case_id', 'state']).where('case_id', 'in', chunk).execute();
    for (const row of rows) states.set(row.case_id as string, JSON.parse(row.state as string) as CaseState);
  }
  return states;
}

async function writeRows(tx: Kysely<any>, rows: CaseRows[], dialect: ViewDialect): Promise<void> {
  const flag = (value: boolean | number) => (dialect === 'postgres' ? Boolean(value) : value ? 1 : 0);
  for (const chunk of inChunks(rows)) {
    const ids = chunk.map((r) => r.case.case_id);
    await tx.deleteFrom('cases').where('case_id', 'in', ids).execute();
    for (const table of FACT_TABLES) await tx.deleteFrom(table).where('case_id', 'in', ids).execute();
    await tx
      .insertInto('cases')
      .values(chunk.map((r) => ({ ...r.case, orphan: flag(r.case.orphan) })))
      .execute();
    const handoffs = chunk
      .flatMap((r) => r.handoffs)
      .map((h) => ({
        ...h,
        superseded: flag(h.superseded),
        misrouted: flag(h.misrouted),
        takeover: flag(h.takeover),
        ping_pong: flag(h.ping_pong),
      }));
    await insertAll(tx, 'case_handoffs', handoffs);
    await insertAll(
      tx,
      'case_ownership',
      chunk.flatMap((r) => r.ownership),
    );
    await insertAll(
      tx,
      'case_resolutions',
      chunk.flatMap((r) => r.resolutions),
    );
  }
}

async function insertAll(tx: Kysely<any>, table: string, rows: readonly object[]): Promise<void> {
  for (const chunk of insertChunks(rows)) await tx.insertInto(table).values(chunk).execute();
}

type Unique = ProjectionContext['unique'];

async function createCasesTable(db: Kysely<any>, unique: Unique): Promise<void> {
  await db.schema
    .createTable('cases')
    .addColumn('case_id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('first_customer_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('owner_team', 'text')
    .addColumn('owner_agent', 'text')
    .addColumn('pending_team', 'text')
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('opened_at', 'bigint')
    .addColumn('resolved_at', 'bigint')
    .addColumn('resolved_by', 'text')
    .addColumn('reopen_count', 'integer', (c) => c.notNull())
    .addColumn('orphan', 'boolean', (c) => c.notNull())
    .addColumn('handoffs', 'integer', (c) => c.notNull())
    .addColumn('last_event_at', 'bigint', (c) => c.notNull())
    .addColumn('last_position', 'bigint', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex(unique('cases_by_customer')).on('cases').column('customer_id').execute();
  await db.schema.createIndex(unique('cases_by_owner')).on('cases').columns(['status', 'owner_team']).execute();
}

async function createHandoffsTable(db: Kysely<any>, unique: Unique): Promise<void> {
  await db.schema
    .createTable('case_handoffs')
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('position', 'bigint', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('from_team', 'text', (c) => c.notNull())
    .addColumn('to_team', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'bigint')
    .addColumn('accepted_at', 'bigint')
    .addColumn('accepted_by', 'text')
    .addColumn('agent_id', 'text')
    .addColumn('minutes_to_accept', 'double precision')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'bigint')
    .addColumn('pending_class', 'integer')
    .addColumn('superseded', 'boolean', (c) => c.notNull())
    .addColumn('misrouted', 'boolean', (c) => c.notNull())
    .addColumn('takeover', 'boolean', (c) => c.notNull())
    .addColumn('ping_pong', 'boolean', (c) => c.notNull())
    .addPrimaryKeyConstraint(unique('case_handoffs_pk'), ['case_id', 'position'])
    .execute();
  // Covering the report's window scans, so that they never read the rows themselves.
  await db.schema.createIndex(unique('case_handoffs_by_requested')).on('case_handoffs').columns(['requested_at', 'from_team']).execute();
  await db.schema
    .createIndex(unique('case_handoffs_by_accepted'))
    .on('case_handoffs')
    .columns(['accepted_at', 'accepted_by', 'from_team', 'requested_at', 'ping_pong'])
    .execute();
  // "Pending at T": the still pending ones, and the closed ones by length class (see lengthClass).
  await db.schema.createIndex(unique('case_handoffs_by_closed')).on('case_handoffs').columns(['closed_at', 'requested_at']).execute();
  await db.schema.createIndex(unique('case_handoffs_by_class')).on('case_handoffs').columns(['pending_class', 'requested_at']).execute();
}

async function createOwnershipTable(db: Kysely<any>, unique: Unique): Promise<void> {
  await db.schema
    .createTable('case_ownership')
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('team', 'text')
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .addColumn('length_class', 'integer')
    .addPrimaryKeyConstraint(unique('case_ownership_pk'), ['case_id', 'seq'])
    .execute();
  // "Running at T": the running ones, and the ended ones by length class (see lengthClass).
  await db.schema.createIndex(unique('case_ownership_by_end')).on('case_ownership').columns(['ended_at', 'started_at']).execute();
  await db.schema.createIndex(unique('case_ownership_by_class')).on('case_ownership').columns(['length_class', 'started_at']).execute();
  // Unowned time starting inside a window.
  await db.schema.createIndex(unique('case_ownership_by_team')).on('case_ownership').columns(['team', 'started_at']).execute();
}

async function createResolutionsTable(db: Kysely<any>, unique: Unique): Promise<void> {
  await db.schema
    .createTable('case_resolutions')
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('position', 'bigint', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'bigint', (c) => c.notNull())
    .addColumn('team', 'text')
    .addColumn('reopened_at', 'bigint')
    .addPrimaryKeyConstraint(unique('case_resolutions_pk'), ['case_id', 'position'])
    .execute();
  await db.schema.createIndex(unique('case_resolutions_by_resolved')).on('case_resolutions').column('resolved_at').execute();
}
