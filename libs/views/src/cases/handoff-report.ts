import { DEFAULT_CASE_SETTINGS, type CaseSettings } from './case-settings';
import type { OwnershipSpan } from './case-fold';
import { replayCase, type ReplayedCase } from './case-replay';
import type { CaseState } from './case-state';
import { isStalled, msToAccept } from './handoff';
import { MS_PER_HOUR, medianMinutes, roundHalfAwayFromZero } from './rounding';

export interface HandoffReportWindow {
  /** Inclusive start of the window, epoch ms. */
  from: number;
  /** Exclusive end of the window; "at `to`" means from the events before it (SPEC §2.2). */
  to: number;
  settings?: CaseSettings;
}

export interface TeamHandoffRow {
  team: string;
  /** Requests made from this team in the window (superseded ones included). */
  handoffsOut: number;
  /** Handoffs accepted by this team in the window, takeovers and misrouted ones included. */
  handoffsIn: number;
  /** Of `handoffsIn` with a request (takeovers have no minutes); null over none. */
  medianMinutesToAccept: number | null;
  /** Requests pending for this team longer than the SLA at `to`. */
  stalledNow: number;
  /** Open cases this team owns at `to`. */
  openOwned: number;
  pingPongs: number;
  /** Cases whose resolution at `to` fell in the window, by the team that resolved them. */
  resolved: number;
}

export interface HandoffMatrixCell {
  fromTeam: string;
  /** The team that accepted, which for a misrouted handoff is not the requested one. */
  toTeam: string;
  count: number;
  medianMinutesToAccept: number | null;
}

export interface OwnerlessCase {
  caseId: string;
  customerId: string;
  unownedSince: number;
  pendingTeam: string | null;
}

export interface HandoffReport {
  from: number;
  to: number;
  teams: TeamHandoffRow[];
  matrix: HandoffMatrixCell[];
  ownerless: OwnerlessCase[];
  totals: { handoffs: number; medianMinutesToAccept: number | null; unownedHours: number };
}

/** A team without a name: a case resolved with no owner and no `team` (SPEC §2.2). */
export const UNKNOWN_CASE_TEAM = 'unknown';

/** Accumulates one team's counts while the cases are read; medians come at the end. */
interface TeamTally {
  handoffsOut: number;
  handoffsIn: number;
  waitsMs: number[];
  stalledNow: number;
  openOwned: number;
  pingPongs: number;
  resolved: number;
}

interface Tally {
  teams: Map<string, TeamTally>;
  matrix: Map<string, { fromTeam: string; toTeam: string; count: number; waitsMs: number[] }>;
  ownerless: OwnerlessCase[];
  waitsMs: number[];
  handoffs: number;
  unownedMs: number;
}

/** The handoff report of SPEC §2.3 over [from, to), from the states of the cases. */
export function handoffReport(cases: Iterable<CaseState>, window: HandoffReportWindow): HandoffReport {
  const { from, to } = window;
  if (!(from <= to)) throw new RangeError(`handoff report window needs from <= to (from ${from}, to ${to})`);
  const settings = window.settings ?? DEFAULT_CASE_SETTINGS;
  const tally: Tally = { teams: new Map(), matrix: new Map(), ownerless: [], waitsMs: [], handoffs: 0, unownedMs: 0 };
  for (const state of cases) {
    const atTo = replayCase(state, to, true);
    if (atTo) tallyCase(tally, atTo, window, settings);
  }
  return finish(tally, from, to);
}

function tallyCase(tally: Tally, atTo: ReplayedCase, window: HandoffReportWindow, settings: CaseSettings): void {
  tallyHandoffs(tally, atTo, window, settings);
  tallyOwnership(tally, atTo, window);
}

function tallyHandoffs(tally: Tally, atTo: ReplayedCase, { from, to }: HandoffReportWindow, settings: CaseSettings) {
  const inWindow = (time: number | null) => time !== null && from <= time && time < to;
  for (const handoff of atTo.handoffs) {
    if (inWindow(handoff.requestedAt)) team(tally, handoff.fromTeam).handoffsOut += 1;
    if (isStalled(handoff, to, settings)) team(tally, handoff.toTeam).stalledNow += 1;
    if (handoff.outcome !== 'accepted' || !inWindow(handoff.acceptedAt)) continue;
    const receiver = team(tally, handoff.acceptedBy as string);
    const cell = matrixCell(tally, handoff.fromTeam, handoff.acceptedBy as string);
    const waitedMs = msToAccept(handoff);
    receiver.handoffsIn += 1;
    cell.count += 1;
    tally.handoffs += 1;
    if (handoff.flags.includes('pingPong')) receiver.pingPongs += 1;
    if (waitedMs === null) continue; // takeovers: no request to measure from
    receiver.waitsMs.push(waitedMs);
    cell.waitsMs.push(waitedMs);
    tally.waitsMs.push(waitedMs);
  }
}

function tallyOwnership(tally: Tally, atTo: ReplayedCase, { from, to }: HandoffReportWindow): void {
  tally.unownedMs += unownedMsWithin(atTo.spans, from, to);
  if (atTo.status === 'open' && atTo.owner) team(tally, atTo.owner.team).openOwned += 1;
  if (atTo.status === 'open' && !atTo.owner) tally.ownerless.push(ownerlessRow(atTo));
  // §2.2's rule: resolved = last resolution in the window and not reopened at `to`.
  const resolution = atTo.status === 'resolved' ? atTo.resolution : null;
  if (resolution && from <= resolution.at && resolution.at < to) {
    team(tally, resolution.team ?? UNKNOWN_CASE_TEAM).resolved += 1;
  }
}

function ownerlessRow(atTo: ReplayedCase): OwnerlessCase {
  const current = atTo.spans[atTo.spans.length - 1];
  return {
    caseId: atTo.caseId,
    customerId: atTo.customerId,
    unownedSince: current.start,
    pendingTeam: atTo.pending?.toTeam ?? null,
  };
}

/** Unowned time clipped to the window; a span still running at `to` runs up to `to`. */
function unownedMsWithin(spans: readonly OwnershipSpan[], from: number, to: number): number {
  return spans
    .filter((span) => span.team === null)
    .reduce((total, span) => total + Math.max(0, Math.min(span.end ?? to, to) - Math.max(span.start, from)), 0);
}

function team(tally: Tally, name: string): TeamTally {
  let row = tally.teams.get(name);
  if (!row) {
    row = { handoffsOut: 0, handoffsIn: 0, waitsMs: [], stalledNow: 0, openOwned: 0, pingPongs: 0, resolved: 0 };
    tally.teams.set(name, row);
  }
  return row;
}

function matrixCell(tally: Tally, fromTeam: string, toTeam: string) {
  const key = JSON.stringify([fromTeam, toTeam]);
  let cell = tally.matrix.get(key);
  if (!cell) {
    cell = { fromTeam, toTeam, count: 0, waitsMs: [] };
    tally.matrix.set(key, cell);
  }
  return cell;
}

/** Sorted output, so that the report does not depend on the order the cases came in. */
function finish(tally: Tally, from: number, to: number): HandoffReport {
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const teams = [...tally.teams.entries()]
    .sort(([a], [b]) => byName(a, b))
    .map(([name, { waitsMs, ...counts }]) => ({ team: name, ...counts, medianMinutesToAccept: medianMinutes(waitsMs) }));
  const matrix = [...tally.matrix.values()]
    .sort((a, b) => byName(a.fromTeam, b.fromTeam) || byName(a.toTeam, b.toTeam))
    .map(({ waitsMs, ...cell }) => ({ ...cell, medianMinutesToAccept: medianMinutes(waitsMs) }));
  const ownerless = tally.ownerless.sort((a, b) => a.unownedSince - b.unownedSince || byName(a.caseId, b.caseId));
  const totals = {
    handoffs: tally.handoffs,
    medianMinutesToAccept: medianMinutes(tally.waitsMs),
    unownedHours: roundHalfAwayFromZero(tally.unownedMs / MS_PER_HOUR, 2),
  };
  return { from, to, teams: teams.map(orderTeamRow), matrix, ownerless, totals };
}

/** Keeps the documented field order in JSON and CSV. */
function orderTeamRow(row: TeamHandoffRow): TeamHandoffRow {
  const { team: name, handoffsOut, handoffsIn, medianMinutesToAccept, stalledNow, openOwned, pingPongs, resolved } = row;
  return { team: name, handoffsOut, handoffsIn, medianMinutesToAccept, stalledNow, openOwned, pingPongs, resolved };
}
