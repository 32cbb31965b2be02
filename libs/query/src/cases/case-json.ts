import type { CaseView, HandoffReport } from '@cx/views';
import { iso } from '../query-params';

/** The case view as the API answers it: times in RFC 3339 UTC, customers as they stand now. */
export function caseViewJson(view: CaseView, customer: (id: string) => string) {
  return {
    ...view,
    customerId: customer(view.customerId),
    asOf: iso(view.asOf),
    startedAt: iso(view.startedAt),
    resolvedAt: iso(view.resolvedAt),
    handoffs: view.handoffs.map((handoff) => ({ ...handoff, requestedAt: iso(handoff.requestedAt), acceptedAt: iso(handoff.acceptedAt) })),
    timeline: view.timeline.map((entry) => ({ ...entry, time: iso(entry.time), customerId: customer(entry.customerId) })),
  };
}

export function handoffReportJson(report: HandoffReport) {
  return {
    from: iso(report.from),
    to: iso(report.to),
    teams: report.teams,
    matrix: report.matrix,
    ownerless: report.ownerless.map((row) => ({ ...row, unownedSince: iso(row.unownedSince) })),
    totals: report.totals,
  };
}

/**
 * The CSV of the handoff report: one table, one row per team, matrix cell, ownerless case
 * and the totals, told apart by `block`; each block fills only its own columns, and every
 * row carries the window so that reports can be concatenated.
 */
export const HANDOFF_CSV_COLUMNS = [
  'block',
  'from',
  'to',
  'team',
  'fromTeam',
  'toTeam',
  'caseId',
  'customerId',
  'unownedSince',
  'pendingTeam',
  'handoffsOut',
  'handoffsIn',
  'count',
  'handoffs',
  'medianMinutesToAccept',
  'stalledNow',
  'openOwned',
  'pingPongs',
  'resolved',
  'unownedHours',
];

export function handoffReportCsv(report: HandoffReport) {
  const json = handoffReportJson(report);
  const window = { from: json.from, to: json.to };
  const rows: Array<Record<string, unknown>> = [
    ...json.teams.map((row) => ({ block: 'team', ...window, ...row })),
    ...json.matrix.map((cell) => ({ block: 'matrix', ...window, ...cell })),
    ...json.ownerless.map((row) => ({ block: 'ownerless', ...window, ...row })),
    { block: 'totals', ...window, ...json.totals },
  ];
  return { columns: HANDOFF_CSV_COLUMNS, rows };
}
