import { Inject, Injectable } from '@nestjs/common';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { LENGTH_CLASSES, VIEW_STORE, ViewDialect, ViewStore } from '@cx/projection';
import {
  roundHalfAwayFromZero,
  UNKNOWN_CASE_TEAM,
  type HandoffMatrixCell,
  type HandoffReport,
  type OwnerlessCase,
  type TeamHandoffRow,
} from '@cx/views';

export interface HandoffReportQuery {
  /** Inclusive, epoch ms. */
  from: number;
  /** Exclusive, epoch ms: "at `to`" means from the events before it (SPEC §2.2). */
  to: number;
  slaMs: number;
  /** Only the cases whose customer at `to` (as `ownerless` names it) has this segment at `to` (`unknown`: none). */
  segment?: string;
}

type Counts = Omit<TeamHandoffRow, 'team' | 'medianMinutesToAccept'>;
type Medians = Map<string, number>;

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;

/**
 * The handoff report of SPEC §2.3, aggregated in SQL over the cases projection's fact rows,
 * equal to `handoffReport` of @cx/views. The rows hold every case as of its latest event;
 * "at `to`" is exact because each fact is fixed once its event has happened:
 * - a request is pending at `to` when `requested_at < to` and it was not closed before `to`;
 * - a case is open at `to`, and owned by `team` (or unowned), when an ownership stretch
 *   started before `to` and did not end before it;
 * - a case is resolved at `to` by the resolution before `to` that was not reopened before it.
 * Ties follow from `time < to`: events at one instant are all in or all out.
 */
@Injectable()
export class HandoffReportQueries {
  constructor(@Inject(VIEW_STORE) private readonly views: ViewStore) {}

  /** Every query reads one snapshot, so a batch the projector commits meanwhile is wholly in or out. */
  report(query: HandoffReportQuery): Promise<HandoffReport> {
    const begin = this.views.reader.transaction();
    const snapshot = this.views.dialect === 'postgres' ? begin.setIsolationLevel('repeatable read').setAccessMode('read only') : begin;
    return snapshot.execute((db) => reportFrom(db, query, this.views.dialect));
  }
}

async function reportFrom(db: Kysely<any>, query: HandoffReportQuery, dialect: ViewDialect): Promise<HandoffReport> {
  const { cells, medians } = dialect === 'postgres' ? await acceptedInSql(db, query) : await acceptedFromRows(db, query);
  const teams = await teamCounts(db, query, cells, dialect);
  return {
    from: query.from,
    to: query.to,
    teams: teamRows(teams, medians),
    matrix: matrixRows(cells, medians),
    ownerless: await ownerless(db, query),
    totals: {
      handoffs: cells.reduce((sum, cell) => sum + cell.count, 0),
      medianMinutesToAccept: minutesOrNull(medians.get(medianKey('totals'))),
      unownedHours: roundHalfAwayFromZero((await unownedMsWithin(db, query)) / MS_PER_HOUR, 2),
    },
  };
}

/** Every team with something to count; handoffs in and ping-pongs are the sums of its matrix cells. */
async function teamCounts(
  db: Kysely<any>,
  query: HandoffReportQuery,
  cells: readonly AcceptedCell[],
  dialect: ViewDialect,
): Promise<Map<string, Counts>> {
  const teams = new Map<string, Counts>();
  const add = (team: string, field: keyof Counts, n: number) => (tally(teams, team)[field] += n);
  const out = dialect === 'postgres' ? await handoffsOut(db, query) : await handoffsOutPerTeam(db, query);
  for (const row of out) add(row.key, 'handoffsOut', row.n);
  for (const cell of cells) {
    add(cell.toTeam, 'handoffsIn', cell.count);
    add(cell.toTeam, 'pingPongs', cell.pingPongs);
  }
  for (const row of await stalledNow(db, query)) add(row.key, 'stalledNow', row.n);
  for (const row of await openOwned(db, query)) add(row.key, 'openOwned', row.n);
  for (const row of await resolvedByTeam(db, query)) add(row.key, 'resolved', row.n);
  return teams;
}

/**
 * Open cases without an owner at `to`, oldest first, with the team a request is pending
 * for. The customer is the case's at `to` (the opening's once it counts, else the first
 * event's), as the customer it stands for now (merged anonymous ids answer as the named one).
 */
async function ownerless(db: Kysely<any>, query: HandoffReportQuery): Promise<OwnerlessCase[]> {
  const { to } = query;
  const { rows } = await sql<{ case_id: string; unowned_since: unknown; customer_id: string; pending_team: string | null }>`
    WITH ${ownershipAt(to)}
    SELECT x.case_id, x.unowned_since, x.pending_team, COALESCE(a.customer_id, x.customer_id) AS customer_id
    FROM (
      SELECT r.case_id, r.started_at AS unowned_since, p.to_team AS pending_team,
        CASE WHEN c.opened_at < ${ms(to)} THEN c.customer_id ELSE c.first_customer_id END AS customer_id
      FROM running r
      JOIN cases c ON c.case_id = r.case_id
      LEFT JOIN case_handoffs p ON p.case_id = r.case_id
        AND p.requested_at < ${ms(to)} AND (p.closed_at IS NULL OR p.closed_at >= ${ms(to)})
      WHERE r.team IS NULL ${ofSegment('r', query)}
    ) x
    LEFT JOIN customer_aliases a ON a.alias_id = x.customer_id`.execute(db);
  return rows
    .map((row) => ({
      caseId: row.case_id,
      customerId: row.customer_id,
      unownedSince: Number(row.unowned_since),
      pendingTeam: row.pending_team,
    }))
    .sort((a, b) => a.unownedSince - b.unownedSince || byName(a.caseId, b.caseId));
}

/** A time bound as a BIGINT parameter, so PostgreSQL never has to guess its type. */
const ms = (value: number): RawBuilder<number> => sql<number>`CAST(${value} AS BIGINT)`;

/**
 * The segment at `to` of the case in `caseId`: that of its customer at `to` (the opening's
 * once it counts, else the first event's; a merged anonymous id as the customer it stands
 * for), the latest before `to`, as the loyalty report's `groupBy=segment` reads it. Three
 * index probes per fact row of the window, so the filter costs what the window holds, not
 * a pass over every case there ever was.
 */
const caseSegment = (caseId: RawBuilder<unknown>, to: number) => {
  const customerAtTo = sql`CASE WHEN c.opened_at < ${ms(to)} THEN c.customer_id ELSE c.first_customer_id END`;
  return sql`(
  SELECT COALESCE((
    SELECT s.segment FROM customer_segments s
    WHERE s.customer_id = COALESCE(a.customer_id, ${customerAtTo}) AND s.time < ${ms(to)}
    ORDER BY s.time DESC, s.position DESC LIMIT 1
  ), 'unknown')
  FROM cases c LEFT JOIN customer_aliases a ON a.alias_id = ${customerAtTo}
  WHERE c.case_id = ${caseId})`;
};

/** `AND` the case of `<alias>.case_id` is in the segment; nothing without a segment. */
const ofSegment = (alias: string, { to, segment }: HandoffReportQuery): RawBuilder<unknown> =>
  segment === undefined ? sql`` : sql`AND ${caseSegment(sql.ref(`${alias}.case_id`), to)} = ${segment}`;

/** A kind of stretch of time in the fact rows: its start, its end (null: still running) and its length class. */
interface Stretches {
  start: string;
  end: string;
  lengthClass: string;
}

const PENDING: Stretches = { start: 'requested_at', end: 'closed_at', lengthClass: 'pending_class' };
const OWNERSHIP: Stretches = { start: 'started_at', end: 'ended_at', lengthClass: 'length_class' };

/**
 * Stretches running at `t`: started before it and not ended before it (`endsAfter`: ended
 * after it, for overlaps with a window starting at `t`). The ended ones are found class by
 * class, each a short index range (see `lengthClass` in @cx/projections), so the cost follows
 * what runs at `t`, not the length of the history before it.
 */
function runningAt(alias: string, stretches: Stretches, t: number, endsAfter = false): RawBuilder<unknown> {
  const [start, end, lengthClass] = [stretches.start, stretches.end, stretches.lengthClass].map((column) => sql.ref(`${alias}.${column}`));
  const ended = endsAfter ? sql`${end} > ${ms(t)}` : sql`${end} >= ${ms(t)}`;
  const byClass = Array.from(
    { length: LENGTH_CLASSES },
    (_, c) => sql`(${lengthClass} = ${sql.lit(c)} AND ${start} >= ${ms(t - 2 ** c)} AND ${start} < ${ms(t)})`,
  );
  return sql`((${end} IS NULL AND ${start} < ${ms(t)}) OR (${ended} AND (${sql.join(byClass, sql` OR `)})))`;
}

/**
 * `running`: the ownership stretches running at `t`, found first (MATERIALIZED), so that no
 * planner starts from an index on `team` and reads every unowned stretch there ever was.
 */
const ownershipAt = (t: number, endsAfter = false) => sql`running AS MATERIALIZED (
  SELECT o.case_id, o.team, o.started_at, o.ended_at FROM case_ownership o WHERE ${runningAt('o', OWNERSHIP, t, endsAfter)})`;

interface KeyCount {
  key: string;
  n: number;
}

async function keyCounts(db: Kysely<any>, query: RawBuilder<{ key: string | null; n: unknown }>): Promise<KeyCount[]> {
  const { rows } = await query.execute(db);
  return rows.map((row) => ({ key: row.key ?? UNKNOWN_CASE_TEAM, n: Number(row.n) }));
}

/** Requests made in the window, superseded ones included, by the team that asked. */
const handoffsOut = (db: Kysely<any>, query: HandoffReportQuery) =>
  keyCounts(
    db,
    sql`
  SELECT h.from_team AS key, COUNT(*) AS n FROM case_handoffs h
  WHERE h.requested_at >= ${ms(query.from)} AND h.requested_at < ${ms(query.to)} ${ofSegment('h', query)} GROUP BY h.from_team`,
  );

/**
 * The same on SQLite, which sorts every row it groups (a year's 390,000 requests at 1,000,000
 * events: 215 ms): each asking team there ever was is found by a seek of the
 * `case_handoffs_by_asking_team` read index (the next after the last), and its requests in the
 * window counted over one range of it.
 */
async function handoffsOutPerTeam(db: Kysely<any>, query: HandoffReportQuery): Promise<KeyCount[]> {
  const counts: KeyCount[] = [];
  for (let team = await nextAskingTeam(db, null); team !== null; team = await nextAskingTeam(db, team)) {
    const { rows } = await sql<{ n: unknown }>`
      SELECT COUNT(*) AS n FROM case_handoffs h
      WHERE h.from_team = ${team} AND h.requested_at >= ${ms(query.from)} AND h.requested_at < ${ms(query.to)} ${ofSegment('h', query)}`.execute(
      db,
    );
    if (Number(rows[0]?.n ?? 0) > 0) counts.push({ key: team, n: Number(rows[0]?.n) });
  }
  return counts;
}

async function nextAskingTeam(db: Kysely<any>, after: string | null): Promise<string | null> {
  const { rows } = await sql<{ from_team: string }>`
    SELECT h.from_team FROM case_handoffs h WHERE ${after === null ? sql`h.from_team IS NOT NULL` : sql`h.from_team > ${after}`}
    ORDER BY h.from_team LIMIT 1`.execute(db);
  return rows[0]?.from_team ?? null;
}

/** Requests pending at `to` for longer than the SLA ("more than" is strict), by the team asked. */
const stalledNow = (db: Kysely<any>, query: HandoffReportQuery) =>
  keyCounts(
    db,
    sql`
  SELECT h.to_team AS key, COUNT(*) AS n FROM case_handoffs h
  WHERE ${runningAt('h', PENDING, query.to)} AND h.requested_at < ${ms(query.to - query.slaMs)} ${ofSegment('h', query)} GROUP BY h.to_team`,
  );

const openOwned = (db: Kysely<any>, query: HandoffReportQuery) =>
  keyCounts(
    db,
    sql`
  WITH ${ownershipAt(query.to)}
  SELECT r.team AS key, COUNT(*) AS n FROM running r WHERE r.team IS NOT NULL ${ofSegment('r', query)} GROUP BY r.team`,
  );

/** Cases resolved at `to` whose resolution fell in the window; a null team counts as `unknown`. */
const resolvedByTeam = (db: Kysely<any>, query: HandoffReportQuery) =>
  keyCounts(
    db,
    sql`
  SELECT v.team AS key, COUNT(*) AS n FROM case_resolutions v
  WHERE v.resolved_at >= ${ms(query.from)} AND v.resolved_at < ${ms(query.to)} AND (v.reopened_at IS NULL OR v.reopened_at >= ${ms(query.to)})
    ${ofSegment('v', query)}
  GROUP BY v.team`,
  );

interface AcceptedCell {
  fromTeam: string;
  toTeam: string;
  count: number;
  pingPongs: number;
}

/** Handoffs accepted in the window per (from, accepting team); the teams' and totals' counts are their sums. */
async function acceptedCells(db: Kysely<any>, query: HandoffReportQuery): Promise<AcceptedCell[]> {
  const { rows } = await sql<{ from_team: string; accepted_by: string; n: unknown; ping_pongs: unknown }>`
    SELECT h.from_team, h.accepted_by, COUNT(*) AS n, SUM(CASE WHEN h.ping_pong THEN 1 ELSE 0 END) AS ping_pongs
    FROM case_handoffs h WHERE h.accepted_at >= ${ms(query.from)} AND h.accepted_at < ${ms(query.to)} ${ofSegment('h', query)}
    GROUP BY h.from_team, h.accepted_by`.execute(db);
  return rows.map((row) => ({ fromTeam: row.from_team, toTeam: row.accepted_by, count: Number(row.n), pingPongs: Number(row.ping_pongs) }));
}

// A team is null only in a GROUPING SETS row that groups over it, which gives no key of its own.
const medianKey = (block: 'team' | 'matrix' | 'totals', a: string | null = '', b: string | null = '') => JSON.stringify([block, a, b]);

/** The handoffs accepted in the window: counts per cell, and the medians of their waits. */
interface Accepted {
  cells: AcceptedCell[];
  medians: Medians;
}

/** On PostgreSQL: counts by GROUP BY, medians by `percentile_cont` (see `percentileWaits`). */
async function acceptedInSql(db: Kysely<any>, query: HandoffReportQuery): Promise<Accepted> {
  return { cells: await acceptedCells(db, query), medians: await percentileWaits(db, query) };
}

/**
 * On SQLite, which has no median and sorts every row it groups: each (accepting team, asking
 * team) pair there ever was is found by a seek of the `case_handoffs_by_cell` read index (the
 * next pair after the last), and each pair's handoffs accepted in the window are one range of
 * it, summed there with their waits as one JSON array (takeovers have no request, so no wait
 * to count). The medians per accepting team, per cell and overall are worked out here: the
 * middle wait (odd count) or the mean of the middle two (even count) after a numeric sort.
 * Reading the window's handoffs as rows instead cost about 2 µs a row (820 ms for a year's
 * 390,000 at 1,000,000 events), and grouping them in SQL a sort of them all.
 */
async function acceptedFromRows(db: Kysely<any>, query: HandoffReportQuery): Promise<Accepted> {
  const cells: AcceptedCell[] = [];
  const waitsOf = new Map<string, number[][]>();
  const all: number[][] = [];
  const medians: Medians = new Map();
  const keep = (key: string, waits: readonly number[]) => {
    if (waits.length > 0) medians.set(key, median(Float64Array.from(waits).sort()));
  };
  for (let pair = await nextCell(db, null); pair; pair = await nextCell(db, pair)) {
    const { n, ping_pongs, waits } = await acceptedInCell(db, query, pair);
    if (Number(n) === 0) continue;
    const [toTeam, fromTeam] = pair;
    const cellWaits = JSON.parse(waits) as number[];
    cells.push({ fromTeam, toTeam, count: Number(n), pingPongs: Number(ping_pongs) });
    keep(medianKey('matrix', fromTeam, toTeam), cellWaits);
    waitsOf.set(toTeam, [...(waitsOf.get(toTeam) ?? []), cellWaits]);
    all.push(cellWaits);
  }
  for (const [team, lists] of waitsOf) keep(medianKey('team', team), lists.flat());
  keep(medianKey('totals'), all.flat());
  return { cells, medians };
}

/** A cell of the matrix: [accepting team, asking team]. */
type Cell = [acceptedBy: string, fromTeam: string];

/**
 * The first (accepting team, asking team) pair of `case_handoffs` after `after` (null: the
 * first), in the index's order: the next asking team of the same accepting team, else the
 * first pair of the next accepting team. Each is one seek; a row value, `(a, b) > (?, ?)`,
 * made SQLite step through every entry of the pair it started from (0.7 against 0.01 ms).
 */
async function nextCell(db: Kysely<any>, after: Cell | null): Promise<Cell | null> {
  if (after !== null) {
    const sameTeam = await firstCell(db, sql`h.accepted_by = ${after[0]} AND h.from_team > ${after[1]}`);
    if (sameTeam) return sameTeam;
  }
  return firstCell(db, after === null ? sql`h.accepted_by IS NOT NULL` : sql`h.accepted_by > ${after[0]}`);
}

async function firstCell(db: Kysely<any>, where: RawBuilder<unknown>): Promise<Cell | null> {
  const { rows } = await sql<{ accepted_by: string; from_team: string }>`
    SELECT h.accepted_by, h.from_team FROM case_handoffs h WHERE ${where} ORDER BY h.accepted_by, h.from_team LIMIT 1`.execute(db);
  return rows[0] ? [rows[0].accepted_by, rows[0].from_team] : null;
}

/** The cell's handoffs accepted in the window: how many, the ping-pongs, and the waits (a JSON array of milliseconds). */
async function acceptedInCell(db: Kysely<any>, query: HandoffReportQuery, [acceptedBy, fromTeam]: Cell) {
  const { rows } = await sql<{ n: unknown; ping_pongs: unknown; waits: string }>`
    SELECT COUNT(*) AS n, SUM(CASE WHEN h.ping_pong THEN 1 ELSE 0 END) AS ping_pongs,
      json_group_array(h.accepted_at - h.requested_at) FILTER (WHERE h.requested_at IS NOT NULL) AS waits
    FROM case_handoffs h
    WHERE h.accepted_by = ${acceptedBy} AND h.from_team = ${fromTeam}
      AND h.accepted_at >= ${ms(query.from)} AND h.accepted_at < ${ms(query.to)} ${ofSegment('h', query)}`.execute(db);
  return rows[0];
}

/** The middle of sorted values, or the mean of the middle two. */
function median(sorted: Float64Array): number {
  const half = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
}

/**
 * The same medians on PostgreSQL, in one sort per grouping: `percentile_cont(0.5)` is the
 * middle value, or the mean of the middle two (exact: waits are integers far below 2^52).
 */
async function percentileWaits(db: Kysely<any>, query: HandoffReportQuery): Promise<Medians> {
  const { from, to } = query;
  const { rows } = await sql<{
    all_from: number;
    all_teams: number;
    from_team: string | null;
    accepted_by: string | null;
    median_ms: unknown;
  }>`
    SELECT GROUPING(from_team) AS all_from, GROUPING(accepted_by) AS all_teams, from_team, accepted_by,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY accepted_at - requested_at) AS median_ms
    FROM case_handoffs h
    WHERE h.accepted_at >= ${ms(from)} AND h.accepted_at < ${ms(to)} AND h.requested_at IS NOT NULL ${ofSegment('h', query)}
    GROUP BY GROUPING SETS ((accepted_by), (from_team, accepted_by), ())`.execute(db);
  const keyOf = (row: (typeof rows)[number]) => {
    if (Number(row.all_teams) === 1) return medianKey('totals');
    return Number(row.all_from) === 1 ? medianKey('team', row.accepted_by) : medianKey('matrix', row.from_team, row.accepted_by);
  };
  return new Map(rows.filter((row) => row.median_ms !== null).map((row) => [keyOf(row), Number(row.median_ms)]));
}

/**
 * Unowned time of open cases clipped to [from, to): the stretches starting inside the window,
 * plus those running at `from`; a stretch still running at `to` counts up to `to`.
 */
async function unownedMsWithin(db: Kysely<any>, query: HandoffReportQuery): Promise<number> {
  const { from, to } = query;
  const until = (alias: string) =>
    sql`CASE WHEN ${sql.ref(`${alias}.ended_at`)} IS NULL OR ${sql.ref(`${alias}.ended_at`)} > ${ms(to)} THEN ${ms(to)} ELSE ${sql.ref(`${alias}.ended_at`)} END`;
  const { rows } = await sql<{ inside: unknown; before: unknown }>`
    WITH ${ownershipAt(from, true)}
    SELECT
      (SELECT SUM(${until('o')} - o.started_at) FROM case_ownership o
        WHERE o.team IS NULL AND o.started_at >= ${ms(from)} AND o.started_at < ${ms(to)} ${ofSegment('o', query)}) AS inside,
      (SELECT SUM(${until('r')} - ${ms(from)}) FROM running r WHERE r.team IS NULL ${ofSegment('r', query)}) AS before`.execute(db);
  return Number(rows[0]?.inside ?? 0) + Number(rows[0]?.before ?? 0);
}

function tally(teams: Map<string, Counts>, team: string): Counts {
  let row = teams.get(team);
  if (!row) {
    row = { handoffsOut: 0, handoffsIn: 0, stalledNow: 0, openOwned: 0, pingPongs: 0, resolved: 0 };
    teams.set(team, row);
  }
  return row;
}

/** Minutes to 1 decimal, rounded after taking the middle (as the views do). */
const minutesOrNull = (medianMs: number | undefined): number | null =>
  medianMs === undefined ? null : roundHalfAwayFromZero(medianMs / MS_PER_MINUTE, 1);

/** Code-unit order, as the views sort: never the database's collation. */
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function teamRows(teams: Map<string, Counts>, medians: Medians): TeamHandoffRow[] {
  return [...teams.entries()]
    .sort(([a], [b]) => byName(a, b))
    .map(([team, c]) => ({
      team,
      handoffsOut: c.handoffsOut,
      handoffsIn: c.handoffsIn,
      medianMinutesToAccept: minutesOrNull(medians.get(medianKey('team', team))),
      stalledNow: c.stalledNow,
      openOwned: c.openOwned,
      pingPongs: c.pingPongs,
      resolved: c.resolved,
    }));
}

function matrixRows(cells: AcceptedCell[], medians: Medians): HandoffMatrixCell[] {
  return [...cells]
    .sort((a, b) => byName(a.fromTeam, b.fromTeam) || byName(a.toTeam, b.toTeam))
    .map((cell) => ({
      fromTeam: cell.fromTeam,
      toTeam: cell.toTeam,
      count: cell.count,
      medianMinutesToAccept: minutesOrNull(medians.get(medianKey('matrix', cell.fromTeam, cell.toTeam))),
    }));
}
