import type { Kysely } from 'kysely';
import { CASE_EVENT_TYPES, answerPoints, caseIdOf, DRIVER_PERIOD_MS, initialCaseState, toCaseEventFact, toContactFact } from '@cx/views';
import type { CaseEventFact, CaseEventType, CaseState, ContactFact } from '@cx/views';
import type { AnyLedgerEvent, EventType } from '@cx/events';
import type { Projection, ProjectionContext } from '../projection';
import { CustomerAliases, loadLockedAliases } from '../canonical-customers';
import { caseKey, customerKey } from '../entity-keys';
import { inChunks, inIndexOrder, insertAll } from '../sql-batches';
import { answerFlags, noFlags, sameFlags } from './answer-flags';
import { driverCaseRows, type DriverCaseRows } from './driver-case-rows';
import { RecentCaseStates } from './recent-case-states';
import { createDriversReadIndexes, createDriversTables } from './drivers.schema';
import {
  DRIVER_CUSTOMER_COLUMNS,
  DRIVERS_TABLES,
  type DriverAnswersTable,
  type DriverCaseEventsTable,
  type DriverContactsTable,
  type DriversTables,
} from './drivers.tables';
import { known } from '../known';

type Db = Kysely<DriversTables>;

/** Answers, contacts (inbound interactions, case openings), case events and merges. */
const DRIVER_EVENT_TYPES: readonly EventType[] = [
  'cx.survey.answered.v1',
  'cx.interaction.recorded.v1',
  ...CASE_EVENT_TYPES,
  'cx.customer.merged.v1',
];

/** The answers of a customer whose flags may have changed: those at or after `since`. */
type Affected = Map<string, number>;

const touch = (affected: Affected, customerId: string, since: number) =>
  affected.set(customerId, Math.min(since, affected.get(customerId) ?? Infinity));

interface Batch {
  answers: DriverAnswersTable[];
  contacts: DriverContactsTable[];
  caseEvents: DriverCaseEventsTable[];
  /** Each case with events in the batch, and its earliest event time in it. */
  cases: Map<string, number>;
  affected: Affected;
}

/**
 * SPEC §2.5: one row per NPS/CSAT answer with the attributes its customer had over the 90
 * days before it (cases and contacts), so the drivers report is one scan of a window's
 * answers. The flags are worked out by the pure rules of @cx/views from the customer's
 * cases (folded by the one case fold) and contacts. An event that lands before some of the
 * customer's answers (a late event, or a case event whose case belongs to the customer)
 * rewrites the flags of the customer's answers from its time on: in time order that is
 * none, and otherwise as many as the customer has after it.
 */
export class DriversProjection implements Projection<DriversTables> {
  readonly name = 'drivers';
  /**
   * 2: driver_cases indexed by (customer, ended_at), so a batch reads only the cases its answers' periods can hold.
   * 3: the churn outcome's cases, stalled requests and unowned stretches are index ranges from the window's start.
   * 4: driver_cases keep the whole case (`whole_*`), so the churn outcome reads a window's cases without their handoffs, stretches and resolutions.
   */
  readonly version = 4;
  readonly handles = DRIVER_EVENT_TYPES;
  readonly tables = DRIVERS_TABLES;
  readonly settings: Readonly<{ handoffAcceptanceSlaMs: number }>;
  private readonly recentCases = new RecentCaseStates();

  constructor(settings: { handoffAcceptanceSlaMs: number }) {
    this.settings = { handoffAcceptanceSlaMs: settings.handoffAcceptanceSlaMs };
  }

  async createTables(db: Db, context: ProjectionContext): Promise<void> {
    await createDriversTables(db, context);
  }

  async createReadIndexes(db: Db, context: ProjectionContext): Promise<void> {
    await createDriversReadIndexes(db, context);
  }

  async apply(tx: Db, events: readonly AnyLedgerEvent[], context: ProjectionContext): Promise<void> {
    const aliases = await loadLockedAliases(context, customerIdsOf(events), (ids) => CustomerAliases.load(tx, 'driver_aliases', ids));
    const batch = collect(events, aliases);
    await context.lock?.([...batch.cases.keys()].map(caseKey));
    await aliases.write(tx, DRIVER_CUSTOMER_COLUMNS);
    // A merged customer's answers now have the anonymous history in their periods too.
    for (const customer of aliases.changed.values()) touch(batch.affected, customer, -Infinity);
    const canonical = (id: string) => aliases.of(id);
    for (const row of [...batch.answers, ...batch.contacts]) row.customer_id = canonical(row.customer_id);
    await insertAll(tx, 'driver_case_events', inIndexOrder(batch.caseEvents, ['case_id']));
    await insertAll(tx, 'driver_contacts', inIndexOrder(batch.contacts, ['customer_id', 'time']));
    await refoldCases(tx, context, batch, aliases, this.recentCases, this.settings.handoffAcceptanceSlaMs);
    for (const row of batch.contacts) touch(batch.affected, row.customer_id, row.time);
    for (const row of batch.answers) touch(batch.affected, row.customer_id, row.time);
    await context.lock?.([...batch.affected.keys()].map(customerKey));
    await refreshAnswers(tx, batch, aliases, this.recentCases, this.settings.handoffAcceptanceSlaMs);
  }
}

function customerIdsOf(events: readonly AnyLedgerEvent[]): string[] {
  const ids = new Set(events.map((e) => e.customerId));
  for (const e of events) if (e.type === 'cx.customer.merged.v1' && e.data.into.id !== undefined) ids.add(e.data.into.id);
  return [...ids];
}

/** The batch's rows, customer ids as the events carry them; merges applied to the aliases in order. */
function collect(events: readonly AnyLedgerEvent[], aliases: CustomerAliases): Batch {
  const batch: Batch = { answers: [], contacts: [], caseEvents: [], cases: new Map(), affected: new Map() };
  for (const event of events) {
    if (event.type === 'cx.customer.merged.v1') {
      const into = event.data.into.id;
      const from = aliases.of(event.customerId);
      if (into !== undefined && aliases.of(into) !== from) aliases.merge(from, aliases.of(into));
      continue;
    }
    if (event.type === 'cx.survey.answered.v1' && event.data.survey !== 'ces') batch.answers.push(answerRow(event));
    const contact = toContactFact(event);
    if (contact)
      batch.contacts.push({ position: contact.position, customer_id: contact.customerId, channel: contact.channel, time: contact.time });
    const caseId = caseIdOf(event);
    if (caseId !== undefined) {
      batch.caseEvents.push(caseEventRow(caseId, toCaseEventFact(event)));
      batch.cases.set(caseId, Math.min(event.time, batch.cases.get(caseId) ?? Infinity));
    }
  }
  return batch;
}

function answerRow(event: Extract<AnyLedgerEvent, { type: 'cx.survey.answered.v1' }>): DriverAnswersTable {
  const survey = event.data.survey as 'nps' | 'csat';
  return {
    position: event.position,
    customer_id: event.customerId,
    survey,
    score: event.data.score,
    time: event.time,
    points: answerPoints(survey, event.data.score),
    ...noFlags(),
  };
}

function caseEventRow(caseId: string, fact: CaseEventFact): DriverCaseEventsTable {
  return {
    position: fact.position,
    case_id: caseId,
    customer_id: fact.customerId,
    type: fact.type,
    time: fact.time,
    team: fact.team ?? null,
    agent_id: fact.agentId ?? null,
    from_team: fact.fromTeam ?? null,
    to_team: fact.toTeam ?? null,
    channel: fact.channel ?? null,
    category: fact.category ?? null,
  };
}

const toFact = (row: DriverCaseEventsTable, canonical: (id: string) => string): CaseEventFact => {
  const fact: CaseEventFact = {
    position: Number(row.position),
    time: Number(row.time),
    type: row.type as CaseEventType,
    customerId: canonical(row.customer_id),
  };
  if (row.team !== null) fact.team = row.team;
  if (row.agent_id !== null) fact.agentId = row.agent_id;
  if (row.from_team !== null) fact.fromTeam = row.from_team;
  if (row.to_team !== null) fact.toTeam = row.to_team;
  if (row.channel !== null) fact.channel = row.channel as CaseEventFact['channel'];
  if (row.category !== null) fact.category = row.category as CaseEventFact['category'];
  return fact;
};

/**
 * The cases' events as stored, folded into states with canonical customer ids (a recent
 * state with the same facts is handed out instead). With a context, the customers the events
 * name are locked first (the cases' rows will be written).
 */
async function loadCaseStates(
  tx: Db,
  context: ProjectionContext | null,
  caseIds: readonly string[],
  aliases: CustomerAliases,
  recent: RecentCaseStates,
): Promise<CaseState[]> {
  const rows: DriverCaseEventsTable[] = [];
  for (const chunk of inChunks(caseIds))
    rows.push(...(await tx.selectFrom('driver_case_events').selectAll().where('case_id', 'in', chunk).execute()));
  // A case's events may name a customer of another partition whose merge is in flight: with
  // a context, its aliases are read only once it and those it stands for are locked.
  const ids = rows.map((row) => row.customer_id);
  const refreshed = async () => {
    await aliases.refresh(tx, ids);
    return aliases;
  };
  await (context ? loadLockedAliases(context, ids, refreshed) : refreshed());
  const states = new Map<string, CaseState>();
  for (const row of rows.sort((a, b) => Number(a.time) - Number(b.time) || Number(a.position) - Number(b.position))) {
    const state = states.get(row.case_id) ?? initialCaseState(row.case_id);
    state.events.push(toFact(row, (id) => aliases.of(id)));
    states.set(row.case_id, state);
  }
  return [...states.values()].map((state) => recent.reuse(state));
}

/**
 * Cases are small: a case with an event in the batch has its rows folded again from all its
 * events. The customers it belonged to before and after (at any time) have their answers
 * from the batch's earliest event of the case on looked at again.
 */
async function refoldCases(
  tx: Db,
  context: ProjectionContext,
  batch: Batch,
  aliases: CustomerAliases,
  recent: RecentCaseStates,
  slaMs: number,
): Promise<void> {
  const caseIds = [...batch.cases.keys()];
  if (caseIds.length === 0) return;
  for (const chunk of inChunks(caseIds)) {
    const before = await tx
      .selectFrom('driver_cases')
      .select(['case_id', 'customer_id', 'first_customer_id'])
      .where('case_id', 'in', chunk)
      .execute();
    for (const row of before)
      for (const id of [row.customer_id, row.first_customer_id]) touch(batch.affected, id, known(batch.cases, row.case_id));
  }
  const states = await loadCaseStates(tx, context, caseIds, aliases, recent);
  const rows = states.map((state) => driverCaseRows(state, (id) => id, slaMs)).filter((r): r is DriverCaseRows => r !== null);
  for (const r of rows)
    for (const id of [r.case.customer_id, r.case.first_customer_id]) touch(batch.affected, id, known(batch.cases, r.case.case_id));
  for (const chunk of inChunks(caseIds)) {
    await tx.deleteFrom('driver_cases').where('case_id', 'in', chunk).execute();
    await tx.deleteFrom('driver_case_handoffs').where('case_id', 'in', chunk).execute();
    await tx.deleteFrom('driver_case_unowned').where('case_id', 'in', chunk).execute();
    await tx.deleteFrom('driver_case_resolutions').where('case_id', 'in', chunk).execute();
  }
  const written = {
    driver_cases: rows.map((r) => r.case),
    driver_case_handoffs: rows.flatMap((r) => r.handoffs),
    driver_case_unowned: rows.flatMap((r) => r.unowned),
    driver_case_resolutions: rows.flatMap((r) => r.resolutions),
  };
  for (const [table, tableRows] of Object.entries(written)) await insertAll(tx, table, tableRows);
}

/** Customers per statement when each brings its own range: small enough for SQLite's OR optimisation. */
const CUSTOMERS_PER_QUERY = 100;

/**
 * Works out the flags of every affected answer: the batch's new answers (inserted with them)
 * and the stored answers of affected customers from the time the batch touched on (rewritten
 * when they changed).
 */
async function refreshAnswers(tx: Db, batch: Batch, aliases: CustomerAliases, recent: RecentCaseStates, slaMs: number): Promise<void> {
  const stored = await storedAnswersSince(tx, batch.affected);
  const isStored = new Set(stored);
  const answers = [...stored, ...batch.answers];
  const changed: DriverAnswersTable[] = [];
  for (const chunk of customersOf(answers)) {
    const mine = answers.filter((a) => chunk.has(a.customer_id));
    const span = spanOf(mine);
    const cases = byCustomer(await casesOf(tx, span, aliases, recent));
    const contacts = await contactsOf(tx, span);
    for (const answer of mine) {
      const flags = answerFlags(answer.customer_id, Number(answer.time), cases.get(answer.customer_id) ?? [], contacts, slaMs);
      if (isStored.has(answer) && sameFlags(flags, answer)) continue;
      changed.push({ ...answer, position: Number(answer.position), time: Number(answer.time), ...flags });
    }
  }
  for (const chunk of inChunks(changed))
    await tx
      .deleteFrom('driver_answers')
      .where(
        'position',
        'in',
        chunk.map((a) => a.position),
      )
      .execute();
  await insertAll(tx, 'driver_answers', changed);
}

/**
 * The cases each customer's events name. A case is its customer's by the opening's customer
 * or the first event's, both among its events: so these are all the cases an answer's rules
 * may pick, and each answer folds its customer's cases only, not the whole chunk's.
 */
function byCustomer(cases: readonly CaseState[]): Map<string, CaseState[]> {
  const found = new Map<string, CaseState[]>();
  for (const state of cases) {
    for (const customerId of new Set(state.events.map((e) => e.customerId))) {
      const mine = found.get(customerId) ?? [];
      mine.push(state);
      found.set(customerId, mine);
    }
  }
  return found;
}

function customersOf(answers: readonly DriverAnswersTable[]): Set<string>[] {
  const ids = [...new Set(answers.map((a) => a.customer_id))];
  return inChunks(ids, CUSTOMERS_PER_QUERY).map((chunk) => new Set(chunk));
}

/** Per customer, the earliest and latest answer time to work out. */
function spanOf(answers: readonly DriverAnswersTable[]): Map<string, { from: number; to: number }> {
  const span = new Map<string, { from: number; to: number }>();
  for (const a of answers) {
    const t = Number(a.time);
    const known = span.get(a.customer_id);
    span.set(a.customer_id, known ? { from: Math.min(known.from, t), to: Math.max(known.to, t) } : { from: t, to: t });
  }
  return span;
}

async function storedAnswersSince(tx: Db, affected: Affected): Promise<DriverAnswersTable[]> {
  const found: DriverAnswersTable[] = [];
  for (const chunk of inChunks([...affected], CUSTOMERS_PER_QUERY)) {
    const rows = await tx
      .selectFrom('driver_answers')
      .selectAll()
      .where((eb) =>
        eb.or(
          chunk.map(([id, since]) =>
            since === -Infinity ? eb('customer_id', '=', id) : eb.and([eb('customer_id', '=', id), eb('time', '>=', since)]),
          ),
        ),
      )
      .execute();
    found.push(...rows);
  }
  return found;
}

/**
 * The cases that may be part of these customers' answer periods: theirs (by either customer
 * column), started by the last answer, and open still or ended after the first period
 * began. Each is a seek of a (customer, ended_at) index: the cases that ended before, however
 * many, are not read.
 */
async function casesOf(
  tx: Db,
  span: Map<string, { from: number; to: number }>,
  aliases: CustomerAliases,
  recent: RecentCaseStates,
): Promise<CaseState[]> {
  const rows = await tx
    .selectFrom('driver_cases')
    .select('case_id')
    .where((eb) =>
      eb.or(
        [...span].flatMap(([id, { from, to }]) =>
          (['customer_id', 'first_customer_id'] as const).flatMap((column) => [
            eb.and([eb(column, '=', id), eb('ended_at', 'is', null), eb('started_at', '<=', to)]),
            eb.and([eb(column, '=', id), eb('ended_at', '>', from - DRIVER_PERIOD_MS), eb('started_at', '<=', to)]),
          ]),
        ),
      ),
    )
    .execute();
  const caseIds = [...new Set(rows.map((r) => r.case_id))];
  // The answers' customers are locked: a merge into one of them that is in flight waits for
  // this batch and then works their answers out again, so committed aliases are enough here.
  return caseIds.length === 0 ? [] : loadCaseStates(tx, null, caseIds, aliases, recent);
}

async function contactsOf(tx: Db, span: Map<string, { from: number; to: number }>): Promise<ContactFact[]> {
  const rows = await tx
    .selectFrom('driver_contacts')
    .selectAll()
    .where((eb) =>
      eb.or(
        [...span].map(([id, { from, to }]) =>
          eb.and([eb('customer_id', '=', id), eb('time', '>', from - DRIVER_PERIOD_MS), eb('time', '<=', to)]),
        ),
      ),
    )
    .execute();
  return rows.map((r) => ({
    customerId: r.customer_id,
    channel: r.channel as ContactFact['channel'],
    time: Number(r.time),
    position: Number(r.position),
  }));
}
