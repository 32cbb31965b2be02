import { replayCase, type CaseState } from '@cx/views';
import type { DriverCaseHandoffsTable, DriverCaseResolutionsTable, DriverCasesTable, DriverCaseUnownedTable } from './drivers.tables';

/** A case's rows in the drivers tables, from its fold over all its events. */
export interface DriverCaseRows {
  case: DriverCasesTable;
  handoffs: DriverCaseHandoffsTable[];
  unowned: DriverCaseUnownedTable[];
  resolutions: DriverCaseResolutionsTable[];
}

/** The case's rows; `canonical` maps the customer ids its events carry to the customers they stand for now. */
export function driverCaseRows(state: CaseState, canonical: (id: string) => string): DriverCaseRows | null {
  const replayed = replayCase(state);
  if (!replayed) return null;
  const { caseId } = replayed;
  const bit = (value: boolean) => (value ? 1 : 0);
  return {
    case: {
      case_id: caseId,
      customer_id: canonical(replayed.customerId),
      first_customer_id: canonical(replayed.firstCustomerId),
      started_at: replayed.startedAt,
      opened_at: replayed.opening?.time ?? null,
      complaint: bit(replayed.opening?.category === 'complaint'),
      ended_at: replayed.status === 'resolved' ? (replayed.resolution?.at ?? null) : null,
    },
    handoffs: replayed.handoffs.map((h) => ({
      case_id: caseId,
      position: h.position,
      requested_at: h.requestedAt,
      accepted_at: h.acceptedAt,
      closed_at: h.closedAt,
      ping_pong: bit(h.flags.includes('pingPong')),
    })),
    unowned: replayed.spans
      .filter((s) => s.team === null)
      .map((s) => ({ case_id: caseId, seq: s.seq, started_at: s.start, ended_at: s.end })),
    resolutions: replayed.resolutions.map((r) => ({
      case_id: caseId,
      position: r.position,
      resolved_at: r.at,
      reopened_at: r.reopenedAt,
      first_contact: bit(r.firstContact),
      opened_at: r.openedAt,
    })),
  };
}
