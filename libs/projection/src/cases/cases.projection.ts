import type { Kysely } from 'kysely';
import type { AnyLedgerEvent } from '@cx/events';
import type { Projection, ProjectionContext } from '../projection';
import type { ViewDialect } from '../view-store/view-store.port';
import { CASE_EVENT_TYPES, caseIdOf, evolveCase, initialCaseState, type CaseSettings, type CaseState } from '@cx/views';
import { caseKey } from '../entity-keys';
import { inChunks, insertAll } from '../sql-batches';
import { caseRows, type CaseRows } from './case-rows';
import { CASES_TABLES } from './cases.tables';
import { createReadIndexes, createTable, type TableSchema } from '../view-store/table-schema';

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

  async createTables(db: Kysely<any>, { unique, readIndexes }: ProjectionContext): Promise<void> {
    for (const table of CASE_TABLE_SCHEMAS) await createTable(db, table, { unique, readIndexes });
  }

  async createReadIndexes(db: Kysely<any>, context: ProjectionContext): Promise<void> {
    for (const table of CASE_TABLE_SCHEMAS) await createReadIndexes(db, table, context);
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
    const written = {
      case_handoffs: handoffs,
      case_ownership: chunk.flatMap((r) => r.ownership),
      case_resolutions: chunk.flatMap((r) => r.resolutions),
    };
    for (const [table, tableRows] of Object.entries(written)) await insertAll(tx, table, tableRows);
  }
}

const CASES: TableSchema = {
  name: 'cases',
  columns: [
    ['case_id', 'text', 'key'],
    ['customer_id', 'text', 'required'],
    ['first_customer_id', 'text', 'required'],
    ['status', 'text', 'required'],
    ['owner_team', 'text'],
    ['owner_agent', 'text'],
    ['pending_team', 'text'],
    ['started_at', 'bigint', 'required'],
    ['opened_at', 'bigint'],
    ['resolved_at', 'bigint'],
    ['resolved_by', 'text'],
    ['reopen_count', 'integer', 'required'],
    ['orphan', 'boolean', 'required'],
    ['handoffs', 'integer', 'required'],
    ['last_event_at', 'bigint', 'required'],
    ['last_position', 'bigint', 'required'],
    ['state', 'text', 'required'],
  ],
  indexes: [
    { name: 'cases_by_customer', columns: ['customer_id'] },
    { name: 'cases_by_owner', columns: ['status', 'owner_team'] },
  ],
};

const HANDOFFS: TableSchema = {
  name: 'case_handoffs',
  columns: [
    ['case_id', 'text', 'required'],
    ['position', 'bigint', 'required'],
    ['customer_id', 'text', 'required'],
    ['from_team', 'text', 'required'],
    ['to_team', 'text', 'required'],
    ['requested_at', 'bigint'],
    ['accepted_at', 'bigint'],
    ['accepted_by', 'text'],
    ['agent_id', 'text'],
    ['minutes_to_accept', 'double precision'],
    ['outcome', 'text', 'required'],
    ['closed_at', 'bigint'],
    ['pending_class', 'integer'],
    ['superseded', 'boolean', 'required'],
    ['misrouted', 'boolean', 'required'],
    ['takeover', 'boolean', 'required'],
    ['ping_pong', 'boolean', 'required'],
  ],
  primaryKey: ['case_id', 'position'],
  indexes: [
    // Covering the report's window scans, so that they never read the rows themselves.
    { name: 'case_handoffs_by_requested', columns: ['requested_at', 'from_team'] },
    { name: 'case_handoffs_by_accepted', columns: ['accepted_at', 'accepted_by', 'from_team', 'requested_at', 'ping_pong'] },
    // "Pending at T": the still pending ones, and the closed ones by length class (see lengthClass).
    { name: 'case_handoffs_by_closed', columns: ['closed_at', 'requested_at'] },
    { name: 'case_handoffs_by_class', columns: ['pending_class', 'requested_at'] },
  ],
  // The matrix on SQLite: each (accepting team, asking team) cell's handoffs accepted in a window, one range each.
  readIndexes: [
    { name: 'case_handoffs_by_cell', columns: ['accepted_by', 'from_team', 'accepted_at', 'requested_at', 'ping_pong'] },
    // Handoffs out on SQLite: each asking team's requests in a window, one range each.
    { name: 'case_handoffs_by_asking_team', columns: ['from_team', 'requested_at'] },
  ],
};

const OWNERSHIP: TableSchema = {
  name: 'case_ownership',
  columns: [
    ['case_id', 'text', 'required'],
    ['seq', 'integer', 'required'],
    ['customer_id', 'text', 'required'],
    ['team', 'text'],
    ['started_at', 'bigint', 'required'],
    ['ended_at', 'bigint'],
    ['length_class', 'integer'],
  ],
  primaryKey: ['case_id', 'seq'],
  indexes: [
    // "Running at T": the running ones, and the ended ones by length class (see lengthClass).
    { name: 'case_ownership_by_end', columns: ['ended_at', 'started_at'] },
    { name: 'case_ownership_by_class', columns: ['length_class', 'started_at'] },
  ],
  // Unowned time starting inside a window, from the index alone: with (team, started_at) only, a
  // row read per stretch made it 216 of the report's ms for a year at 1,000,000 events (39 with it).
  readIndexes: [{ name: 'case_ownership_unowned', columns: ['team', 'started_at', 'ended_at'] }],
};

const RESOLUTIONS: TableSchema = {
  name: 'case_resolutions',
  columns: [
    ['case_id', 'text', 'required'],
    ['position', 'bigint', 'required'],
    ['customer_id', 'text', 'required'],
    ['resolved_at', 'bigint', 'required'],
    ['team', 'text'],
    ['reopened_at', 'bigint'],
  ],
  primaryKey: ['case_id', 'position'],
  indexes: [{ name: 'case_resolutions_by_resolved', columns: ['resolved_at'] }],
};

const CASE_TABLE_SCHEMAS = [CASES, HANDOFFS, OWNERSHIP, RESOLUTIONS];
